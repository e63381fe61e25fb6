package dev.kiln.rootfs;

import dev.kiln.api.KilnException;

import java.util.ArrayList;
import java.util.List;

/**
 * Normalises the names found in layer tars so nothing is ever written outside the image tree.
 * Policy: a leading {@code /} is <em>confined</em> (stripped, as tar itself does, so the entry lands
 * inside the tree); any {@code ..} component is <em>rejected</em>, since no well-formed layer needs it.
 */
public final class SafePaths {

    private SafePaths() {
    }

    /**
     * @param raw  the name as stored in the layer
     * @param what which image and layer, for the error message
     * @return the relative, clean name ("" for the root itself)
     */
    public static String clean(String raw, String what) {
        List<String> parts = new ArrayList<>();
        for (String part : raw.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw KilnException.tried("unpack " + what, "its entry '" + raw + "' contains '..' and would be "
                        + "written outside the image tree, so it was rejected",
                        "the image is malformed or malicious; rebuild it or use another one");
            }
            parts.add(part);
        }
        return String.join("/", parts);
    }

    public static boolean isAbsolute(String raw) {
        return raw.startsWith("/");
    }

    /** The parent of a clean name, or "" at the top. */
    public static String parent(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? "" : name.substring(0, slash);
    }

    public static String baseName(String name) {
        return name.substring(name.lastIndexOf('/') + 1);
    }
}
