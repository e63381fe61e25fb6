package dev.kiln.boot.fat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * An 8.3 directory entry name (Microsoft FAT specification, section 6.1). Names wholly in lower
 * case keep their case through the NT reserved byte (0x08 base, 0x10 extension), as Windows and
 * Linux read it; mixed case would need long-name entries, which kiln's layouts never need.
 */
record ShortName(byte[] bytes, int caseFlags) {

    private static final String ALLOWED = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'()-@^_`{}~";

    static ShortName of(String name) {
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot + 1) : "";
        if (base.isEmpty() || base.length() > 8 || ext.length() > 3) {
            throw new IllegalArgumentException("not an 8.3 name: " + name);
        }
        int flags = caseFlag(base, 0x08, name) | caseFlag(ext, 0x10, name);
        String upper = (String.format("%-8s", base) + String.format("%-3s", ext)).toUpperCase(Locale.ROOT);
        for (char c : upper.toCharArray()) {
            if (c != ' ' && ALLOWED.indexOf(c) < 0) {
                throw new IllegalArgumentException("character '" + c + "' is not allowed in an 8.3 name: " + name);
            }
        }
        return new ShortName(upper.getBytes(StandardCharsets.US_ASCII), flags);
    }

    static ShortName label(String label) {
        byte[] b = new byte[11];
        Arrays.fill(b, (byte) ' ');
        byte[] src = label.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(src, 0, b, 0, Math.min(11, src.length));
        return new ShortName(b, 0);
    }

    static ShortName dot(int dots) {
        byte[] b = new byte[11];
        Arrays.fill(b, (byte) ' ');
        Arrays.fill(b, 0, dots, (byte) '.');
        return new ShortName(b, 0);
    }

    private static int caseFlag(String part, int flag, String name) {
        boolean lower = !part.equals(part.toUpperCase(Locale.ROOT));
        boolean upper = !part.equals(part.toLowerCase(Locale.ROOT));
        if (lower && upper) {
            throw new IllegalArgumentException("mixed-case FAT names need long names, which are not written: " + name);
        }
        return lower ? flag : 0;
    }
}
