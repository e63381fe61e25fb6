package dev.kiln.qemu;

import dev.kiln.api.DiskRequest;
import dev.kiln.api.KilnException;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One {@code --disk [file=]PATH[,size=S][,format=F]} in kiln's shared grammar, where a bare PATH is
 * {@code file=} as in LinuxKit's {@code run}: a size without a suffix is in GiB ({@code M} MiB,
 * {@code G} GiB, {@code T} TiB); a disk without a path lives in the state directory; a new disk is qcow2
 * unless a format is given.
 *
 * @param path   where the disk is, if given
 * @param sizeMb its size in MiB (rounded up) when it has to be created
 * @param format the qemu format name ({@code vhd} is accepted for {@code vpc})
 */
record DiskSpec(Optional<Path> path, OptionalLong sizeMb, Optional<String> format) {

    /** The {@code --disk} keys qemu takes; {@code format} is its own. */
    static final Set<String> KEYS = Set.of(DiskRequest.FILE, DiskRequest.SIZE, "format");

    private static final long MIB = 1L << 20;

    /** qemu's block driver names kiln lets a user create or attach, by the names users type. */
    private static final Map<String, String> FORMATS = Map.of("raw", "raw", "qcow2", "qcow2", "vmdk", "vmdk",
            "vpc", "vpc", "vhd", "vpc", "vhdx", "vhdx");

    DiskSpec {
        if (path.isEmpty() && sizeMb.isEmpty()) {
            throw KilnException.usage("--disk needs a path or a size, e.g. --disk size=10G or --disk data.qcow2");
        }
    }

    /** What qemu makes of a parsed {@code --disk}. */
    static DiskSpec of(DiskRequest disk) {
        OptionalLong size = disk.size().map(b -> OptionalLong.of((b + MIB - 1) / MIB)).orElse(OptionalLong.empty());
        return new DiskSpec(disk.file().map(Path::of), size, disk.get("format").map(f -> format(f, disk.text())));
    }

    /** Parses one {@code --disk} value as the CLI does for qemu. */
    static DiskSpec parse(String text) {
        return of(DiskRequest.parse(text, KEYS, false));
    }

    static String format(String value, String text) {
        String f = FORMATS.get(value.toLowerCase(Locale.ROOT));
        if (f == null) {
            throw KilnException.usage("--disk " + text + ": format must be one of raw, qcow2, vmdk, vhd (vpc) or "
                    + "vhdx; not '" + value + "'");
        }
        return f;
    }

    /** Where this disk lives: its own path, else {@code disk.img}, {@code disk1.img} ... as LinuxKit names them. */
    Path pathIn(Path stateDir, int index) {
        return path.orElseGet(() -> stateDir.resolve(index == 0 ? "disk.img" : "disk" + index + ".img"));
    }
}
