package dev.kiln.qemu;

import dev.kiln.api.KilnException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The image a run boots, from the argument as LinuxKit's {@code run qemu} reads it: a file boots
 * as what its bytes say it is; a name that is not a file but has {@code NAME-kernel} beside it
 * boots {@code NAME-kernel}, {@code NAME-initrd.img} and {@code NAME-cmdline} directly.
 *
 * @param kind    what it is
 * @param file    the disk or ISO, or the kernel
 * @param initrd  the initrd of a kernel boot
 * @param cmdline the kernel command line of a kernel boot
 * @param prefix  the name the default state directory is derived from ({@code PREFIX-state}): the image file,
 *                or the NAME of a kernel boot
 */
record BootImage(ImageKind kind, Path file, Optional<Path> initrd, Optional<String> cmdline, Path prefix) {

    static final String KERNEL = "-kernel";
    static final String INITRD = "-initrd.img";
    static final String CMDLINE = "-cmdline";

    BootImage {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(file, "file");
        if (kind == ImageKind.KERNEL_INITRD && (initrd.isEmpty() || cmdline.isEmpty())) {
            throw new IllegalArgumentException("a kernel boot needs an initrd and a command line");
        }
    }

    static BootImage locate(String argument) {
        Path given = Path.of(argument).toAbsolutePath();
        if (Files.isRegularFile(given) && !argument.endsWith(KERNEL)) {
            // every file's state folder is FILE-state, whatever its kind: hello-efi.iso-state, hello.vhd-state
            return new BootImage(ImageKind.sniff(given), given, Optional.empty(), Optional.empty(), given);
        }
        String prefix = argument.endsWith(KERNEL) ? argument.substring(0, argument.length() - KERNEL.length())
                : argument;
        Path kernel = Path.of(prefix + KERNEL).toAbsolutePath();
        if (!Files.isRegularFile(kernel)) {
            throw KilnException.usage("No image " + argument + ": it is not a file and there is no " + kernel
                    + "; pass a disk or ISO file, or the NAME of NAME-kernel/NAME-initrd.img/NAME-cmdline "
                    + "(kiln build -f kernel+initrd)");
        }
        Path initrd = Path.of(prefix + INITRD).toAbsolutePath();
        if (!Files.isRegularFile(initrd)) {
            throw KilnException.usage("Found " + kernel + " but no " + initrd + "; a kernel boot needs both");
        }
        return new BootImage(ImageKind.KERNEL_INITRD, kernel, Optional.of(initrd),
                Optional.of(cmdline(Path.of(prefix + CMDLINE))), Path.of(prefix).toAbsolutePath());
    }

    /** The image's command line, or just a serial console when the build wrote none. */
    private static String cmdline(Path file) {
        if (!Files.isRegularFile(file)) {
            return "console=ttyS0";
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw KilnException.tried("read the kernel command line " + file, KilnException.reason(e), "check it is readable");
        }
    }

    Path defaultStateDir() {
        return Path.of(prefix + "-state");
    }
}
