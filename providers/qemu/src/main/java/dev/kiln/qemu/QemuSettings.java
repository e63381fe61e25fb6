package dev.kiln.qemu;

import dev.kiln.api.BootMode;
import dev.kiln.api.ByteSize;
import dev.kiln.api.KilnException;
import dev.kiln.api.Lifecycle;
import dev.kiln.api.Userdata;
import dev.kiln.spi.Options;
import dev.kiln.spi.RunRequest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static dev.kiln.qemu.QemuOptions.*;

/**
 * One {@code kiln run qemu}: qemu's own flags and the shared vocabulary of the request, read and checked
 * before anything is created, so a typo costs nothing. Userdata is held as bytes and named only by where it
 * came from.
 *
 * @param detach  {@code --wait running}: qemu goes to the background once the VM runs
 * @param timeout {@code --timeout}: how long the guest may run in the foreground, or how long qemu may take
 *                to go to the background
 * @param remove  {@code --rm}: remove what the run made once the guest has powered off
 * @param keep    {@code --keep}: keep what the run made when it fails or is cancelled
 */
record QemuSettings(int cpus, int memoryMb, List<DiskSpec> disks, Optional<Userdata> userData,
                    List<PortForward> publish, boolean userNetworking, String accel, Optional<BootMode> firmware,
                    Path ovmfCode, Path ovmfVars, String qemu, String qemuImg, Optional<Path> stateDir,
                    boolean detach, Optional<Duration> timeout, boolean remove, boolean keep,
                    Interactive interactive) {

    /** Whether the serial console takes over the terminal. */
    enum Interactive { AUTO, YES, NO }

    QemuSettings {
        disks = List.copyOf(disks);
        publish = List.copyOf(publish);
    }

    static QemuSettings from(Options o, RunRequest request) {
        int cpus = positive(o, CPUS);
        int mem = memoryMiB(o);
        List<DiskSpec> disks = request.disks().stream().map(DiskSpec::of).toList();
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
        Lifecycle life = request.lifecycle();
        boolean detach = life.waitOr(Lifecycle.Wait.STOPPED) == Lifecycle.Wait.RUNNING;
        if (detach && (life.rm() || interactive == Interactive.YES)) {
            throw KilnException.usage("--wait running returns once the VM runs in the background, so it cannot "
                    + "take --rm or --interactive yes");
        }
        Optional<Duration> timeout = life.timeout();
        if (timeout.isPresent() && (timeout.get().isZero() || timeout.get().isNegative())) {
            throw KilnException.usage("--timeout must be longer than zero");
        }
        return new QemuSettings(cpus, mem, disks, request.userdata(), publish, user, o.require(ACCEL), firmware,
                o.path(OVMF_CODE).orElseThrow(), o.path(OVMF_VARS).orElseThrow(), o.require(QEMU),
                o.require(QEMU_IMG), o.path(STATE), detach, timeout, life.rm(), life.keep(), interactive);
    }

    /** --mem as a size (a bare number is MiB), in whole MiB as qemu's -m takes it. */
    private static int memoryMiB(Options o) {
        long mib = new ByteSize(o.size(MEM, ByteSize.MIB).orElseThrow()).ceil(ByteSize.MIB);
        if (mib > Integer.MAX_VALUE) {
            throw KilnException.usage("--mem " + o.find(MEM).orElseThrow() + " is more than qemu can give a VM");
        }
        return (int) mib;
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

    /** Whether to hand the terminal to the guest: asked for, or auto on a terminal (never when detached). */
    boolean interactiveConsole(boolean onTerminal) {
        return !detach && (interactive == Interactive.YES || interactive == Interactive.AUTO && onTerminal);
    }
}
