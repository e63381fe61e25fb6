package dev.kiln.qemu;

import dev.kiln.api.BootMode;
import dev.kiln.api.KilnException;
import dev.kiln.spi.Options;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static dev.kiln.qemu.QemuOptions.*;

/**
 * The flags of one {@code kiln run qemu}, read and checked before anything is created, so a typo
 * costs nothing. Userdata is held as bytes and named only by where it came from.
 */
record QemuSettings(int cpus, int memoryMb, List<DiskSpec> disks, Optional<UserData> userData,
                    List<PortForward> publish, boolean userNetworking, String accel, Optional<BootMode> firmware,
                    Path ovmfCode, Path ovmfVars, String qemu, String qemuImg, Optional<Path> stateDir,
                    boolean detach, Optional<Duration> timeout, boolean remove, Interactive interactive) {

    /** Whether the serial console takes over the terminal. */
    enum Interactive { AUTO, YES, NO }

    /** Userdata bytes and the flag or file they came from (for messages; never the content). */
    record UserData(byte[] bytes, String origin) {
    }

    QemuSettings {
        disks = List.copyOf(disks);
        publish = List.copyOf(publish);
    }

    static QemuSettings from(Options o) {
        int cpus = positive(o, CPUS);
        int mem = positive(o, MEM);
        List<DiskSpec> disks = o.all(DISK).stream().map(DiskSpec::parse).toList();
        List<PortForward> publish = o.all(PUBLISH).stream().map(PortForward::parse).toList();
        boolean user = networking(o.require(NETWORKING));
        if (!user && !publish.isEmpty()) {
            throw KilnException.usage("--publish needs --networking user");
        }
        if (o.flag(UEFI) && o.flag(BIOS)) {
            throw KilnException.usage("--uefi and --bios contradict each other; give one");
        }
        Optional<BootMode> firmware = o.flag(UEFI) ? Optional.of(BootMode.UEFI)
                : o.flag(BIOS) ? Optional.of(BootMode.BIOS) : Optional.empty();
        Interactive interactive = interactive(o.require(INTERACTIVE));
        boolean detach = o.flag(DETACH);
        if (detach && (o.isSet(TIMEOUT) || o.flag(RM) || interactive == Interactive.YES)) {
            throw KilnException.usage("--detach returns at once, so it cannot take --timeout, --rm or "
                    + "--interactive yes");
        }
        Optional<Duration> timeout = o.duration(TIMEOUT);
        if (timeout.isPresent() && (timeout.get().isZero() || timeout.get().isNegative())) {
            throw KilnException.usage("--timeout must be longer than zero");
        }
        return new QemuSettings(cpus, mem, disks, userData(o), publish, user, o.require(ACCEL), firmware,
                o.path(OVMF_CODE).orElseThrow(), o.path(OVMF_VARS).orElseThrow(), o.require(QEMU),
                o.require(QEMU_IMG), o.path(STATE), detach, timeout, o.flag(RM), interactive);
    }

    private static int positive(Options o, String name) {
        int value = o.integer(name).orElseThrow();
        if (value < 1) {
            throw KilnException.usage("--" + name + " must be 1 or more, not " + value);
        }
        return value;
    }

    private static boolean networking(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "user" -> true;
            case "none" -> false;
            default -> throw KilnException.usage("--networking must be user or none, not '" + value + "'");
        };
    }

    private static Interactive interactive(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "auto" -> Interactive.AUTO;
            case "yes", "true", "on" -> Interactive.YES;
            case "no", "false", "off" -> Interactive.NO;
            default -> throw KilnException.usage("--interactive must be auto, yes or no, not '" + value + "'");
        };
    }

    /** At most one of --data, --userdata (inline) and --data-file, --userdata-file (a file). */
    private static Optional<UserData> userData(Options o) {
        List<String> given = List.of(DATA, USERDATA, DATA_FILE, USERDATA_FILE).stream().filter(o::isSet).toList();
        if (given.size() > 1) {
            throw KilnException.usage("Give userdata once; got --" + String.join(" and --", given));
        }
        if (given.isEmpty()) {
            return Optional.empty();
        }
        String name = given.get(0);
        if (name.equals(DATA) || name.equals(USERDATA)) {
            return Optional.of(new UserData(o.require(name).getBytes(StandardCharsets.UTF_8), "--" + name));
        }
        Path file = o.path(name).orElseThrow();
        try {
            return Optional.of(new UserData(Files.readAllBytes(file), file.toString()));
        } catch (IOException e) {
            throw KilnException.usage("--" + name + " " + file + " cannot be read: " + e.getMessage());
        }
    }

    /** Whether to hand the terminal to the guest: asked for, or auto on a terminal (never when detached). */
    boolean interactiveConsole(boolean onTerminal) {
        return !detach && (interactive == Interactive.YES || interactive == Interactive.AUTO && onTerminal);
    }
}
