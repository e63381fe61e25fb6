package dev.kiln.rootfs;

import dev.kiln.build.BuildResult;
import dev.kiln.build.Builder;
import dev.kiln.build.Format;
import dev.kiln.api.Events;
import dev.kiln.testing.Fixtures;
import dev.kiln.testing.HostTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Same inputs, same bytes; and the outputs read back with the system's tar and cpio. */
class ReproducibleBuildTest {

    @TempDir
    Path dir;

    private BuildResult build(String out) {
        Path config = Fixtures.writeConfig(dir, "hello.yml", Fixtures.YAML);
        return new Builder(Events.none(), Fixtures.store(), InputStream.nullInputStream()).build(
                Fixtures.request(config, dir.resolve(out), List.of(Format.TAR, Format.KERNEL_INITRD, Format.TAR_KERNEL_INITRD),
                        Optional.empty()), new ByteArrayOutputStream());
    }

    @Test
    void buildingTwiceGivesByteIdenticalOutputs() throws IOException {
        BuildResult first = build("one");
        BuildResult second = build("two");
        assertThat(second.contentDigest()).isEqualTo(first.contentDigest());
        for (String name : List.of("hello.tar", "hello-kernel", "hello-initrd.img", "hello-cmdline", "hello-initrd.tar")) {
            assertThat(Files.readAllBytes(dir.resolve("two").resolve(name))).as(name)
                    .isEqualTo(Files.readAllBytes(dir.resolve("one").resolve(name)));
        }
        assertThat(second.artifacts()).extracting(a -> a.sha256())
                .isEqualTo(first.artifacts().stream().map(a -> a.sha256()).toList());
    }

    @Test
    void systemTarAndCpioReadTheOutputs() throws Exception {
        build("one");
        String tarList = run("tar --warning=no-unknown-keyword -tvf " + dir.resolve("one/hello.tar"));
        assertThat(tarList).contains("boot/kernel").contains("containers/services/web/rootfs/bin/httpd")
                .contains("2017-04-18");
        String cpioList = run("gzip -dc " + dir.resolve("one/hello-initrd.img") + " | cpio -it --quiet");
        assertThat(cpioList.lines()).contains("bin/init", "etc/resolv.conf", "containers/onboot/000-netconf/config.json",
                "lib/modules/fake.ko", "etc/motd").noneMatch(l -> l.startsWith("boot"));
        String verbose = run("gzip -dc " + dir.resolve("one/hello-initrd.img") + " | cpio -itv --quiet");
        assertThat(verbose).containsPattern("lrwxrwxrwx .* etc/resolv.conf -> /run/resolvconf/resolv.conf")
                .containsPattern("-rwxr-xr-x .* bin/init");
    }

    @Test
    void hardLinksBecomeRelativeSymlinksInTheInitrd() throws Exception {
        Path tar = dir.resolve("links.tar");
        try (RootfsWriter w = new RootfsWriter(Files.newOutputStream(tar))) {
            w.write(TarEntry.dir("usr", 0755), new byte[0], "t", "t");
            w.write(TarEntry.dir("usr/bin", 0755), new byte[0], "t", "t");
            w.write(TarEntry.file("usr/bin/a", 0755, 1), "a".getBytes(StandardCharsets.UTF_8), "t", "t");
            w.write(TarEntry.file("usr/bin/b", 0755, 0).withLink(TarEntry.Kind.HARDLINK, "usr/bin/a"), new byte[0],
                    "t", "t");
        }
        InitrdWriter.Split split = InitrdWriter.split(tar, Files.createDirectories(dir.resolve("split")));
        assertThat(split.kernel()).isEmpty();
        assertThat(run("gzip -dc " + split.initrd() + " | cpio -itv --quiet")).containsPattern("usr/bin/b -> a");
        assertThat(Files.size(split.initrd()) % 4).isZero();
    }

    private static String run(String command) throws Exception {
        HostTools.require("gzip", "cpio");
        Process p = HostTools.command("sh", "-c", command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }
}
