package dev.kiln.qemu;

import dev.kiln.api.KilnException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A VM's directory, LinuxKit's {@code --state}: what makes the VM the same VM from run to run
 * (its disks, MAC address, UUID and UEFI variables) and what one run leaves behind (console log,
 * pid file, seed CD). The MAC is kept in {@code mac-addr} as LinuxKit keeps it.
 */
final class StateDir {

    private static final Pattern MAC = Pattern.compile("([0-9a-f]{2}:){5}[0-9a-f]{2}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path root;
    private final boolean dryRun;

    /** A dry run reads what is there and writes nothing. */
    StateDir(Path root, boolean dryRun) {
        this.root = root.toAbsolutePath().normalize();
        this.dryRun = dryRun;
    }

    Path root() {
        return root;
    }

    Path consoleLog() {
        return root.resolve("console.log");
    }

    Path pidFile() {
        return root.resolve("qemu.pid");
    }

    Path seedIso() {
        return root.resolve("seed.iso");
    }

    Path efiVars() {
        return root.resolve("efi-vars.fd");
    }

    /** Creates the directory unless it exists (or this is a dry run). */
    void create() {
        if (dryRun || Files.isDirectory(root)) {
            return;
        }
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw KilnException.tried("create the state directory " + root, KilnException.reason(e),
                    "pass --state with a writable directory");
        }
    }

    /** The VM's MAC address: locally administered, unicast, made once and then read back. */
    String mac() {
        return remembered("mac-addr", () -> {
            byte[] b = new byte[6];
            RANDOM.nextBytes(b);
            b[0] = (byte) ((b[0] & 0xfe) | 0x02);
            return HexFormat.ofDelimiter(":").formatHex(b);
        }, v -> MAC.matcher(v).matches());
    }

    /** The VM's UUID (its SMBIOS product UUID and its NoCloud instance-id), made once. */
    UUID uuid() {
        return UUID.fromString(remembered("uuid", () -> UUID.randomUUID().toString(), v -> {
            try {
                return UUID.fromString(v).toString().equals(v);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }));
    }

    private String remembered(String name, Supplier<String> make, Predicate<String> valid) {
        Path file = root.resolve(name);
        try {
            if (Files.isRegularFile(file)) {
                String value = Files.readString(file, StandardCharsets.US_ASCII).trim().toLowerCase(Locale.ROOT);
                if (valid.test(value)) {
                    return value;
                }
            }
            String value = make.get();
            if (!dryRun) {
                Files.writeString(file, value, StandardCharsets.US_ASCII);
            }
            return value;
        } catch (IOException e) {
            throw KilnException.tried("keep the VM's " + name + " in " + file, KilnException.reason(e),
                    "check the state directory is writable");
        }
    }
}
