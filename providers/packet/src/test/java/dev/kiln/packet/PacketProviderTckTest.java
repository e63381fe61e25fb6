package dev.kiln.packet;

import dev.kiln.api.Architecture;
import dev.kiln.api.Artifact;
import dev.kiln.api.BootMode;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.PublishPolicy;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.PushRequest;
import dev.kiln.testkit.ProviderHarness;
import dev.kiln.testkit.ProviderTck;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The TCK against an S3-compatible destination: S3Mock behind a fault-injecting proxy. */
class PacketProviderTckTest extends ProviderTck {

    @Override
    protected ProviderFactory factory() {
        return new PacketProviderFactory();
    }

    @Override
    protected StandIn newStandIn() {
        S3World world = new S3World();
        return new StandIn() {
            @Override
            public ProviderHarness harness(Path workDir) {
                return new ProviderHarness(factory(), workDir).env("AWS_ACCESS_KEY_ID", S3World.KEY_ID)
                        .env("AWS_SECRET_ACCESS_KEY", S3World.SECRET).flag("destination", "s3://" + world.bucket + "/boot")
                        .flag("endpoint-url", world.url());
            }

            @Override
            public List<String> mutations() {
                return world.mutations();
            }

            @Override
            public Set<String> resources() {
                return world.keys();
            }

            @Override
            public Map<String, String> images(String name) {
                String key = "boot/" + name + "-equinixmetal.ipxe";
                if (!world.keys().contains(key)) {
                    return Map.of();
                }
                return IpxeScript.recordedDigest(world.text(key)).map(d -> Map.of(key, d)).orElse(Map.of());
            }

            @Override
            public void failMutation(int n) {
                world.failMutation(n);
            }

            @Override
            public void onMutation(int n, Runnable action) {
                world.onMutation(n, action);
            }

            @Override
            public Set<String> secrets() {
                return Set.of(S3World.SECRET);
            }

            @Override
            public void close() {
                world.close();
            }
        };
    }

    @Override
    protected PushRequest pushRequest(Path dir, String name, String digest) throws Exception {
        return kernelInitrd(dir, name, digest);
    }

    /** Small stand-in files under the roles a kernel+initrd build has. */
    static PushRequest kernelInitrd(Path dir, String name, String digest) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("build-" + name));
        Map<String, Path> files = new LinkedHashMap<>();
        files.put(Artifact.KERNEL, Files.writeString(folder.resolve(name + "-kernel"), "kernel of " + name));
        files.put(Artifact.INITRD, Files.writeString(folder.resolve(name + "-initrd.img"), "initrd of " + name));
        files.put(Artifact.CMDLINE, Files.writeString(folder.resolve(name + "-cmdline"), "console=tty0 quiet\n"));
        return new PushRequest(new Artifact(ImageFormat.KERNEL_INITRD, files), name, Architecture.AMD64,
                Set.of(BootMode.BIOS, BootMode.UEFI), digest, PublishPolicy.DEFAULT, false);
    }
}
