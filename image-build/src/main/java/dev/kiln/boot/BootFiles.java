package dev.kiln.boot;

import dev.kiln.api.Events;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Everything an output writer needs, made once per build by the builder: the root filesystem tar,
 * the kernel, the initrd (gzip'd newc cpio of the rootfs without boot/), the kernel command line,
 * and where and under which name to write.
 *
 * @param contentDigest "sha256:..." of the rootfs tar; seeds deterministic GUIDs and volume ids
 * @param diskSize      {@code --size} in bytes when given; writers otherwise pick the smallest fit
 * @param bootloaders   where the boot layouts find the EFI stub and ISOLINUX
 */
public record BootFiles(String name, Path dir, Path rootfsTar, Path kernel, Path initrd, String cmdline,
                        Optional<Path> ucode, String arch, String contentDigest, OptionalLong diskSize,
                        Bootloaders bootloaders, Events events) {

    public BootFiles {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(initrd, "initrd");
        Objects.requireNonNull(cmdline, "cmdline");
        Objects.requireNonNull(ucode, "ucode");
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(contentDigest, "contentDigest");
        Objects.requireNonNull(diskSize, "diskSize");
        Objects.requireNonNull(bootloaders, "bootloaders");
        Objects.requireNonNull(events, "events");
    }

    public Path output(String fileName) {
        return dir.resolve(fileName);
    }
}
