package dev.kiln.rootfs;

import dev.kiln.api.KilnException;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;

/**
 * Writes a flattened image below a prefix of the root filesystem. Entries come in name order, so a
 * symlink is always written before anything below it: an entry whose path passes through a symlink
 * of the same image is rejected, as unpacking it would follow the link, possibly out of the tree.
 */
final class ImageTreeWriter {

    private ImageTreeWriter() {
    }

    /**
     * @param prefix   "" for the root, else a clean relative directory such as {@code containers/onboot/000-x/lower},
     *                 whose parents the caller has written
     * @param what     the image, for messages
     */
    static void write(FlatImage image, String prefix, RootfsWriter out, String source, String location, String what)
            throws IOException {
        if (!prefix.isEmpty()) {
            out.write(TarEntry.dir(prefix, 0755), InputStream.nullInputStream(), source, location);
        }
        String base = prefix.isEmpty() ? "" : prefix + "/";
        Set<String> symlinks = new HashSet<>();
        for (TarEntry e : image.entries()) {
            checkNotThroughSymlink(e, symlinks, what);
            if (e.kind() == TarEntry.Kind.SYMLINK) {
                symlinks.add(e.name());
            }
            TarEntry placed = e.withName(base + e.name());
            if (e.kind() == TarEntry.Kind.HARDLINK) {
                placed = placed.withLink(TarEntry.Kind.HARDLINK, base + e.linkName());
            }
            try (InputStream data = e.kind() == TarEntry.Kind.FILE ? image.open(e.name()) : InputStream.nullInputStream()) {
                out.write(placed, data, source, location);
            }
        }
    }

    private static void checkNotThroughSymlink(TarEntry e, Set<String> symlinks, String what) {
        checkPath(e.name(), e.name(), symlinks, what);
        if (e.kind() == TarEntry.Kind.HARDLINK) {
            checkPath(e.linkName(), e.name(), symlinks, what);
        }
    }

    private static void checkPath(String path, String entry, Set<String> symlinks, String what) {
        for (String a = SafePaths.parent(path); !a.isEmpty(); a = SafePaths.parent(a)) {
            if (symlinks.contains(a)) {
                throw KilnException.tried("unpack " + what, "its entry '" + entry + "' goes through the symlink '"
                        + a + "' and could be written outside the image tree, so it was rejected",
                        "the image is malformed or malicious; rebuild it or use another one");
            }
        }
    }
}
