package dev.kiln.boot.iso;

import java.util.Locale;
import java.util.Set;

/**
 * ISO9660 identifiers for names that Rock Ridge carries in full: d-characters only
 * (ECMA-119 7.4.1), at most 30 characters for a file (name.ext;1) and 31 for a directory, as
 * interchange level 2 allows, made unique within their directory.
 */
final class IsoNames {

    private IsoNames() {
    }

    static String identifier(String name, boolean directory, Set<String> taken) {
        String upper = name.toUpperCase(Locale.ROOT);
        String base;
        String ext = "";
        int dot = directory ? -1 : upper.lastIndexOf('.');
        if (dot >= 0) {
            base = clean(upper.substring(0, dot));
            ext = clean(upper.substring(dot + 1));
        } else {
            base = clean(upper);
        }
        int room = directory ? 31 : 30;
        ext = ext.substring(0, Math.min(ext.length(), Math.max(0, room - 2)));
        int baseRoom = directory ? room : room - 1 - ext.length();
        String candidate = compose(cut(base, baseRoom), ext, directory);
        for (int n = 1; taken.contains(candidate); n++) {
            String suffix = "_" + n;
            candidate = compose(cut(base, baseRoom - suffix.length()) + suffix, ext, directory);
        }
        taken.add(candidate);
        return candidate;
    }

    private static String compose(String base, String ext, boolean directory) {
        return directory ? base : base + "." + ext + ";1";
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, Math.max(0, max));
    }

    private static String clean(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            out.append((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c : '_');
        }
        return out.toString();
    }

    /** Sort order of ECMA-119 9.3: name then extension, each padded with spaces. */
    static int compare(byte[] a, byte[] b) {
        String[] x = split(new String(a, java.nio.charset.StandardCharsets.US_ASCII));
        String[] y = split(new String(b, java.nio.charset.StandardCharsets.US_ASCII));
        int c = padded(x[0]).compareTo(padded(y[0]));
        return c != 0 ? c : padded(x[1]).compareTo(padded(y[1]));
    }

    private static String[] split(String id) {
        int semi = id.indexOf(';');
        String s = semi >= 0 ? id.substring(0, semi) : id;
        int dot = s.indexOf('.');
        return dot >= 0 ? new String[] {s.substring(0, dot), s.substring(dot + 1)} : new String[] {s, ""};
    }

    private static String padded(String s) {
        return String.format("%-32s", s);
    }
}
