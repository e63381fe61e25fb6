package dev.kiln.qemu;

import dev.kiln.api.KilnException;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code --disk [file=]PATH[,size=S][,format=F]} as LinuxKit's {@code run} reads it: a size
 * without a suffix is in GB, {@code M} means MB, {@code G} GB; a disk without a path lives in the
 * state directory; a new disk is qcow2 unless a format is given.
 *
 * @param path   where the disk is, if given
 * @param sizeMb its size in MiB when it has to be created
 * @param format the qemu format name ({@code vhd} is accepted for {@code vpc})
 */
record DiskSpec(Optional<Path> path, OptionalLong sizeMb, Optional<String> format) {

    private static final Pattern SIZE = Pattern.compile("(\\d+)([GgMm])?");

    /** qemu's block driver names kiln lets a user create or attach, by the names users type. */
    private static final Map<String, String> FORMATS = Map.of("raw", "raw", "qcow2", "qcow2", "vmdk", "vmdk",
            "vpc", "vpc", "vhd", "vpc", "vhdx", "vhdx");

    DiskSpec {
        if (path.isEmpty() && sizeMb.isEmpty()) {
            throw KilnException.usage("--disk needs a path or a size, e.g. --disk size=10G or --disk data.qcow2");
        }
    }

    /** Parses one {@code --disk} value. */
    static DiskSpec parse(String text) {
        Optional<Path> path = Optional.empty();
        OptionalLong size = OptionalLong.empty();
        Optional<String> format = Optional.empty();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String key = eq < 0 ? "file" : p.substring(0, eq);
            String value = eq < 0 ? p : p.substring(eq + 1);
            switch (key) {
                case "file" -> path = Optional.of(Path.of(value));
                case "size" -> size = OptionalLong.of(sizeMb(value, text));
                case "format" -> format = Optional.of(format(value, text));
                default -> throw KilnException.usage("--disk " + text + ": unknown key '" + key
                        + "'; write [file=]PATH[,size=S][,format=F]");
            }
        }
        return new DiskSpec(path, size, format);
    }

    /** LinuxKit's size rule: digits in GB, or with an M (MB) or G (GB) suffix. */
    static long sizeMb(String value, String text) {
        Matcher m = SIZE.matcher(value.trim());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw KilnException.usage("--disk " + text + ": size must be a whole number of GB, or end in M "
                    + "(MB) or G (GB), e.g. size=10G or size=512M; not '" + value + "'");
        }
        long n = Long.parseLong(m.group(1));
        boolean megabytes = m.group(2) != null && m.group(2).equalsIgnoreCase("M");
        return megabytes ? n : Math.multiplyExact(n, 1024L);
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
