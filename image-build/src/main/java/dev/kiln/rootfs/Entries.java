package dev.kiln.rootfs;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

import java.util.Map;
import java.util.TreeMap;

/** Converts between commons-compress tar headers and {@link TarEntry}. */
final class Entries {

    static final String XATTR = "SCHILY.xattr.";

    private Entries() {
    }

    static TarEntry fromTar(TarArchiveEntry e, String name, String what) {
        TarEntry.Kind kind = kind(e, what);
        String link = null;
        if (kind == TarEntry.Kind.SYMLINK) {
            link = e.getLinkName();
        } else if (kind == TarEntry.Kind.HARDLINK) {
            link = SafePaths.clean(e.getLinkName(), what);
        }
        Map<String, String> xattrs = new TreeMap<>();
        e.getExtraPaxHeaders().forEach((k, v) -> {
            if (k.startsWith(XATTR)) {
                xattrs.put(k.substring(XATTR.length()), v);
            }
        });
        return new TarEntry(name, kind, e.getMode() & 07777, e.getLongUserId(), e.getLongGroupId(),
                kind == TarEntry.Kind.FILE ? e.getSize() : 0, link, e.getDevMajor(), e.getDevMinor(), xattrs);
    }

    private static TarEntry.Kind kind(TarArchiveEntry e, String what) {
        if (e.isDirectory()) {
            return TarEntry.Kind.DIR;
        }
        if (e.isSymbolicLink()) {
            return TarEntry.Kind.SYMLINK;
        }
        if (e.isLink()) {
            return TarEntry.Kind.HARDLINK;
        }
        if (e.isCharacterDevice()) {
            return TarEntry.Kind.CHAR;
        }
        if (e.isBlockDevice()) {
            return TarEntry.Kind.BLOCK;
        }
        if (e.isFIFO()) {
            return TarEntry.Kind.FIFO;
        }
        if (e.isFile()) {
            return TarEntry.Kind.FILE;
        }
        throw LayerFlattener.malformed(what, "its entry '" + e.getName() + "' has tar type '"
                + (char) e.getLinkFlag() + "', which kiln cannot place in a root filesystem");
    }
}
