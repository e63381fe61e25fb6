package dev.kiln.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The host's Debian kernel ({@code linux-image-amd64}) for the boot tests, as a copy under
 * {@code target/host-kernel/} that the tests made readable themselves: Debian installs
 * {@code /boot/vmlinuz-*} readable by root only, and the tests never change the host's modes.
 * Without a kernel, or as a user who cannot read it, the calling test is skipped saying why.
 */
public final class HostKernel {

    private static final Path BOOT = Path.of("/boot");
    private static Path copy;

    private HostKernel() {
    }

    /** A readable copy named like the original ({@code vmlinuz-RELEASE}), made once per test JVM. */
    public static synchronized Path path() throws IOException {
        if (copy != null) {
            return copy;
        }
        Optional<Path> newest = newest();
        Assumptions.assumeTrue(newest.isPresent(), "no /boot/vmlinuz-*: install the Debian package linux-image-amd64");
        Path kernel = newest.get();
        Assumptions.assumeTrue(Files.isReadable(kernel), () -> kernel + " is readable by root only (Debian's"
                + " default); run the tests as root (./test does), which copies it into target/ for them");
        Path dir = Files.createDirectories(Path.of("target", "host-kernel").toAbsolutePath());
        Path target = dir.resolve(kernel.getFileName());
        Path partial = Files.createTempFile(dir, "vmlinuz", ".partial");
        Files.copy(kernel, partial, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-r--r--"));
        copy = Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return copy;
    }

    /** The kernel release of {@link #path()}, e.g. {@code 6.1.0-28-amd64}. */
    public static String release() throws IOException {
        return path().getFileName().toString().substring("vmlinuz-".length());
    }

    private static Optional<Path> newest() throws IOException {
        if (!Files.isDirectory(BOOT)) {
            return Optional.empty();
        }
        try (Stream<Path> boot = Files.list(BOOT)) {
            return boot.filter(p -> p.getFileName().toString().startsWith("vmlinuz-")).max(Comparator.naturalOrder());
        }
    }
}
