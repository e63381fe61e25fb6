package dev.kiln.api;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size as operators type it, one grammar for every flag that takes one ({@code --size},
 * {@code --max-layer-size}, {@code --disk size=}, {@code --mem}, {@code --chunk-size}, ...): a whole number
 * and a unit, {@code 10G}, {@code 10GiB}, {@code 10GB}, {@code 512M}, {@code 36MiB}, {@code 4K}, {@code 2T},
 * {@code 512B}. Every unit is 1024-based: {@code GB} is read as GiB, as {@code qemu-img} and LinuxKit read
 * it, since a disk or memory size in powers of ten is almost never what was meant. A bare number is in
 * the unit the flag documents (MiB for {@code --size}, GiB for {@code --disk size=}).
 *
 * @param bytes the size in bytes, positive
 */
public record ByteSize(long bytes) {

    public static final long KIB = 1L << 10;
    public static final long MIB = 1L << 20;
    public static final long GIB = 1L << 30;
    public static final long TIB = 1L << 40;

    private static final Pattern TEXT = Pattern.compile("(\\d+)\\s*([KMGTP]?)(I?B)?");
    private static final String[] UNITS = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};

    public ByteSize {
        if (bytes <= 0) {
            throw new IllegalArgumentException("a size must be positive: " + bytes);
        }
    }

    /**
     * Reads {@code text}; a usage error names {@code flag} and its grammar otherwise.
     *
     * @param bareUnit bytes in one unit of a number without a unit ({@link #MIB} for {@code --size})
     * @param flag     how the user gave it, e.g. {@code --size} or {@code --disk size=10G,type=gp3}
     */
    public static ByteSize parse(String text, long bareUnit, String flag) {
        Matcher m = TEXT.matcher(text.trim().toUpperCase(Locale.ROOT));
        if (!m.matches() || (m.group(2).isEmpty() && "IB".equals(m.group(3)))) {
            throw KilnException.usage(flag + " takes a size such as 10G, 10GiB, 512M or " + example(bareUnit)
                    + " (units are 1024-based; a bare number is in " + unitName(bareUnit) + "), not '" + text + "'");
        }
        long unit = m.group(3) != null && m.group(2).isEmpty() ? 1 : switch (m.group(2)) {
            case "K" -> KIB;
            case "M" -> MIB;
            case "G" -> GIB;
            case "T" -> TIB;
            case "P" -> TIB * KIB;
            default -> bareUnit;
        };
        try {
            long n = Long.parseLong(m.group(1));
            if (n <= 0) {
                throw KilnException.usage(flag + " must be more than zero, not '" + text + "'");
            }
            return new ByteSize(Math.multiplyExact(n, unit));
        } catch (NumberFormatException | ArithmeticException e) {
            throw KilnException.usage(flag + " '" + text + "' is larger than kiln can count in bytes");
        }
    }

    /** Whole units of {@code unit}, rounded up ({@code 1500M} in GiB is 2). */
    public long ceil(long unit) {
        return bytes / unit + (bytes % unit == 0 ? 0 : 1);
    }

    /** The size in the largest unit it is a whole number of: {@code 36 MiB}, {@code 10 GiB}, {@code 1000 bytes}. */
    public static String format(long bytes) {
        int i = 0;
        long n = bytes;
        while (i < UNITS.length - 1 && n != 0 && n % 1024 == 0) {
            n /= 1024;
            i++;
        }
        return n + " " + UNITS[i];
    }

    /** {@code bytes} rounded up to whole MiB (at least 1), for "needs at least" messages. */
    public static String formatMiB(long bytes) {
        return Math.max(1, bytes / MIB + (bytes % MIB == 0 ? 0 : 1)) + " MiB";
    }

    @Override
    public String toString() {
        return format(bytes);
    }

    private static String unitName(long unit) {
        return unit == 1 ? "bytes" : format(unit).substring(2);
    }

    private static String example(long unit) {
        return unit == GIB ? "20 (GiB)" : unit == MIB ? "2048 (MiB)" : "4096";
    }
}
