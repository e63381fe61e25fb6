package dev.kiln.disk.tar;

import dev.kiln.api.Extent;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * 512-byte tar headers: POSIX ustar for ordinary members, and GNU "oldgnu" sparse members (type 'S')
 * with the sparse map in the header (4 entries) and extension blocks (21 each), as GNU tar's
 * {@code --format=oldgnu -S} writes them and GCE's image import reads them. Numbers that do not fit
 * in octal use GNU's base-256 form.
 */
public final class TarHeaders {

    public static final int BLOCK = 512;
    private static final int HEADER_SPARSE = 4;
    private static final int EXTENSION_SPARSE = 21;

    private TarHeaders() {
    }

    /** A ustar header for a regular file. */
    public static ByteBuffer ustar(String name, long size, long mtime) {
        ByteBuffer h = common(name, size, mtime, '0');
        put(h, 257, "ustar\0");
        put(h, 263, "00");
        return checksum(h);
    }

    /**
     * The oldgnu header and extension blocks for a sparse file of {@code realSize} bytes whose data are
     * {@code runs} (sorted, disjoint, non-empty). The map always ends at realSize, with a zero-length
     * entry when the file ends in a hole, as GNU tar writes it.
     */
    public static ByteBuffer oldGnuSparse(String name, List<Extent> runs, long realSize, long mtime) {
        List<Extent> map = new ArrayList<>(runs);
        if (map.isEmpty() || map.get(map.size() - 1).end() < realSize) {
            map.add(new Extent(realSize, 0));
        }
        long stored = runs.stream().mapToLong(Extent::length).sum();
        int extensions = Math.max(0, (map.size() - HEADER_SPARSE + EXTENSION_SPARSE - 1) / EXTENSION_SPARSE);
        ByteBuffer all = ByteBuffer.allocate(BLOCK * (1 + extensions));
        ByteBuffer h = common(name, stored, mtime, 'S');
        put(h, 257, "ustar  \0");
        for (int i = 0; i < Math.min(HEADER_SPARSE, map.size()); i++) {
            number(h, 386 + i * 24, 12, map.get(i).offset());
            number(h, 386 + i * 24 + 12, 12, map.get(i).length());
        }
        h.put(482, (byte) (extensions > 0 ? 1 : 0));
        number(h, 483, 12, realSize);
        all.put(checksum(h));
        for (int e = 0; e < extensions; e++) {
            ByteBuffer x = ByteBuffer.allocate(BLOCK);
            int first = HEADER_SPARSE + e * EXTENSION_SPARSE;
            for (int i = 0; i < EXTENSION_SPARSE && first + i < map.size(); i++) {
                number(x, i * 24, 12, map.get(first + i).offset());
                number(x, i * 24 + 12, 12, map.get(first + i).length());
            }
            x.put(504, (byte) (e < extensions - 1 ? 1 : 0));
            all.put(x.clear());
        }
        return all.flip();
    }

    private static ByteBuffer common(String name, long size, long mtime, char type) {
        ByteBuffer h = ByteBuffer.allocate(BLOCK);
        if (name.length() > 99) {
            throw new IllegalArgumentException("tar member name too long: " + name);
        }
        put(h, 0, name);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        number(h, 124, 12, size);
        number(h, 136, 12, mtime);
        h.put(156, (byte) type);
        put(h, 265, "root");
        put(h, 297, "root");
        return h;
    }

    private static void put(ByteBuffer h, int at, String s) {
        h.put(at, s.getBytes(StandardCharsets.US_ASCII));
    }

    /** Octal, NUL-terminated, when it fits in width-1 digits; else GNU base-256 (top bit of the first byte). */
    static void number(ByteBuffer h, int at, int width, long value) {
        if (value < 0) {
            throw new dev.kiln.limits.FieldOverflowException("tar number at offset " + at, value,
                    "0.." + Long.MAX_VALUE);
        }
        String octal = Long.toOctalString(value);
        if (octal.length() <= width - 1) {
            put(h, at, "0".repeat(width - 1 - octal.length()) + octal);
            h.put(at + width - 1, (byte) 0);
            return;
        }
        for (int i = width - 1; i >= 1; i--) {
            h.put(at + i, (byte) (value >>> (8 * (width - 1 - i))));
        }
        h.put(at, (byte) 0x80);
    }

    /** Reads a number written by {@link #number}: octal (spaces and NULs end it) or GNU base-256. */
    public static long parseNumber(ByteBuffer h, int at, int width) {
        if ((h.get(at) & 0x80) != 0) {
            long v = h.get(at) & 0x7f;
            for (int i = 1; i < width; i++) {
                v = v << 8 | (h.get(at + i) & 0xff);
            }
            return v;
        }
        long v = 0;
        for (int i = 0; i < width; i++) {
            int c = h.get(at + i) & 0xff;
            if (c == ' ' && v == 0) {
                continue;
            }
            if (c < '0' || c > '7') {
                break;
            }
            v = v * 8 + (c - '0');
        }
        return v;
    }

    /** A NUL-terminated ASCII field. */
    public static String text(ByteBuffer h, int at, int width) {
        int end = at;
        while (end < at + width && h.get(end) != 0) {
            end++;
        }
        byte[] b = new byte[end - at];
        h.get(at, b);
        return new String(b, StandardCharsets.US_ASCII);
    }

    /** True for a block of 512 zero bytes, which ends an archive. */
    public static boolean isEnd(ByteBuffer h) {
        for (int i = 0; i < BLOCK; i++) {
            if (h.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    private static ByteBuffer checksum(ByteBuffer h) {
        for (int i = 148; i < 156; i++) {
            h.put(i, (byte) ' ');
        }
        int sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += h.get(i) & 0xff;
        }
        String c = String.format("%06o", sum);
        put(h, 148, c);
        h.put(154, (byte) 0);
        h.put(155, (byte) ' ');
        return h.clear();
    }
}
