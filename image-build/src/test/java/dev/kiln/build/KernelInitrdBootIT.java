package dev.kiln.build;

import dev.kiln.api.Events;
import dev.kiln.testing.Fixtures;
import dev.kiln.testing.HostKernel;
import dev.kiln.testing.HostTools;
import dev.kiln.testing.LayerTar;
import dev.kiln.testing.TestImageStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Boots kernel+initrd output in qemu (TCG): Debian's kernel as the kernel image, static busybox and
 * an init script as the init image, one service. The guest prints the services it finds under
 * /containers, which proves the initrd is the root filesystem laid out as LinuxKit lays it out.
 */
class KernelInitrdBootIT {

    private static final String INIT = """
            #!/bin/sh
            /bin/busybox mkdir -p /proc
            /bin/busybox mount -t proc proc /proc
            echo "KILN-BOOT-MARKER $(/bin/busybox ls /containers/services) $(/bin/busybox cat /etc/motd)"
            /bin/busybox poweroff -f
            """;

    @TempDir
    Path dir;

    @Test
    void kernelAndInitrdBootToTheInitOfTheRootFilesystem() throws Exception {
        Path vmlinuz = HostKernel.path();
        Path busybox = Path.of("/bin/busybox");
        assumeTrue(Files.isReadable(busybox), "needs /bin/busybox: install the Debian package busybox-static");
        byte[] modules = new LayerTar().dir("lib").dir("lib/modules").bytes();
        TestImageStore store = new TestImageStore()
                .add("kernel:1", new LayerTar().fileBytes("kernel", Files.readAllBytes(vmlinuz))
                        .fileBytes("kernel.tar", modules).bytes())
                .add("init:1", new LayerTar().dir("bin").fileBytes("bin/busybox", Files.readAllBytes(busybox), 0755).symlink("bin/sh", "busybox")
                        .file("init", INIT, 0755).bytes())
                .add("app:1", new LayerTar().dir("bin").file("bin/app", "app").bytes());
        Path config = Fixtures.writeConfig(dir, "boot.yml", """
                kernel: {image: "kernel:1", cmdline: "console=ttyS0 quiet panic=-1 no_timer_check"}
                init: ["init:1"]
                services: [{name: app, image: "app:1"}]
                files: [{path: etc/motd, contents: from-files, mode: "0644"}]
                """);
        new Builder(Events.none(), store, InputStream.nullInputStream()).build(
                Fixtures.request(config, dir.resolve("out"), List.of(Format.KERNEL_INITRD), Optional.empty()),
                new ByteArrayOutputStream());

        Path out = dir.resolve("out");
        Process qemu = HostTools.command("qemu-system-x86_64", "-accel", "tcg", "-m", "256", "-nographic",
                "-no-reboot", "-net", "none", "-kernel", out.resolve("boot-kernel").toString(),
                "-initrd", out.resolve("boot-initrd.img").toString(),
                "-append", Files.readString(out.resolve("boot-cmdline"))).redirectErrorStream(true).start();
        assertThat(qemu.waitFor(180, TimeUnit.SECONDS)).as("qemu finished").isTrue();
        String console = new String(qemu.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(console).contains("KILN-BOOT-MARKER app from-files");
    }
}
