package dev.kiln.cli;

import dev.kiln.testing.HostTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** kiln build reads images that kiln cache pack made, with no registry and no Docker. */
class BuildFromCacheTest {

    @TempDir
    Path work;

    private int kiln(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Session session = Session.of(new ByteArrayOutputStream(), err,
                Map.of("KILN_CACHE", work.resolve("cache").toString(), "HOME", work.toString()), Interrupts.none());
        int code = Kiln.commandLine(session, List.of()).execute(args);
        assertThat(code).as(err.toString()).isZero();
        return code;
    }

    @Test
    void buildsARootFilesystemFromPackedKernelAndInitImages() throws Exception {
        Path kernel = Files.createDirectories(work.resolve("k"));
        Files.writeString(kernel.resolve("kernel"), "kernel bytes");
        Files.write(kernel.resolve("kernel.tar"), new byte[1024]);
        Path init = Files.createDirectories(work.resolve("init/bin"));
        Files.copy(Path.of("/bin/busybox"), init.resolve("busybox"));
        kiln("cache", "pack", kernel.toString(), "--ref", "example.org/kernel:1");
        kiln("cache", "pack", work.resolve("init").toString(), "--ref", "example.org/init:1");
        Files.writeString(work.resolve("hello.yml"), "kernel:\n  image: example.org/kernel:1\n  cmdline: console=ttyS0\n"
                + "init:\n  - example.org/init:1\n");

        kiln("build", "-f", "tar", "--dir", work.toString(), work.resolve("hello.yml").toString());

        Process tar = HostTools.command("tar", "-tf", work.resolve("hello.tar").toString()).start();
        String listing = new String(tar.getInputStream().readAllBytes());
        assertThat(listing.lines()).contains("boot/kernel", "bin/busybox");
    }
}
