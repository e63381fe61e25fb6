package dev.kiln.azure;

import dev.kiln.api.Architecture;
import dev.kiln.api.Artifact;
import dev.kiln.api.BootMode;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.PublishPolicy;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.PushRequest;
import dev.kiln.testkit.ProviderHarness;
import dev.kiln.testkit.ProviderTck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The TCK on push azure --managed-image: a stateful HTTPS ARM ({@link ArmWorld}) whose disks are Azurite blobs. The
 * run cases (userdata limit, --disk keys, checked before any call) need no Azurite: without it only the push cases
 * are skipped, each as a visible assumption.
 */
class AzureProviderTckTest extends ProviderTck {

    static final String SECRET = "tck-client-secret-3f9a7c";

    @TempDir
    static Path shared;
    static Azurite azurite;
    static ArmStandIn certificate;

    @BeforeAll
    static void start() throws Exception {
        if (Azurite.binary().isPresent()) {
            azurite = Azurite.start(Files.createDirectories(shared.resolve("azurite")));
        }
        certificate = new ArmStandIn(Files.createDirectories(shared.resolve("arm")));
        certificate.close();
    }

    @AfterAll
    static void stop() throws Exception {
        if (azurite != null) {
            azurite.close();
        }
    }

    @Override
    protected ProviderFactory factory() {
        return new AzureProviderFactory();
    }

    @Override
    protected StandIn newStandIn() throws Exception {
        return new World(new ArmWorld(shared.resolve("arm").resolve("arm.p12"), azurite), certificate.caPem);
    }

    @Override
    protected PushRequest pushRequest(Path dir, String name, String digest) throws Exception {
        Path disk = ProviderHarness.sampleDisk(dir, name, 16L << 20);
        return new PushRequest(Artifact.single(ImageFormat.RAW, disk), name, Architecture.AMD64,
                Set.of(BootMode.BIOS, BootMode.UEFI), digest, PublishPolicy.DEFAULT, false);
    }

    record World(ArmWorld world, Path ca) implements StateStandIn {

        @Override
        public ProviderTck.CloudState state() {
            return world;
        }

        /** Only the push cases ask for a harness: they need Azurite behind the disks. */
        @Override
        public ProviderHarness harness(Path workDir) {
            Assumptions.assumeTrue(azurite != null, "Azurite is not installed: run ./test or set KILN_AZURITE_BLOB");
            return new ProviderHarness(new AzureProviderFactory(), workDir)
                    .env("AZURE_SUBSCRIPTION_ID", ArmStandIn.SUBSCRIPTION).env("AZURE_TENANT_ID", ArmStandIn.TENANT)
                    .env("AZURE_CLIENT_ID", "tck-client").env("AZURE_CLIENT_SECRET", SECRET)
                    .flag("resource-group", ArmStandIn.GROUP).flag("location", ArmStandIn.LOCATION)
                    .flag("arm-endpoint", world.url()).flag("authority-host", world.url())
                    .flag("ca-cert", ca.toString()).flag("managed-image", "true").flag("poll-interval", "10ms")
                    .flag("workers", "2").sleeper(d -> { });
        }

        @Override
        public Set<String> secrets() {
            Set<String> all = new HashSet<>(world.sasSignatures());
            all.add(SECRET);
            return all;
        }

        @Override
        public void close() {
            world.close();
        }
    }
}
