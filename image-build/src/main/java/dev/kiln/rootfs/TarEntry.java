package dev.kiln.rootfs;

import java.util.Map;
import java.util.Objects;

/**
 * The metadata of one file in an image tree, independent of where its bytes live. {@code mode}
 * holds permission bits only; {@code linkName} is the symlink target or hard-link target.
 */
public record TarEntry(String name, Kind kind, int mode, long uid, long gid, long size, String linkName,
                       int devMajor, int devMinor, Map<String, String> xattrs) {

    public enum Kind { FILE, DIR, SYMLINK, HARDLINK, CHAR, BLOCK, FIFO }

    public TarEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        xattrs = xattrs == null || xattrs.isEmpty() ? Map.of() : Map.copyOf(xattrs);
    }

    public static TarEntry dir(String name, int mode) {
        return new TarEntry(name, Kind.DIR, mode, 0, 0, 0, null, 0, 0, Map.of());
    }

    public static TarEntry file(String name, int mode, long size) {
        return new TarEntry(name, Kind.FILE, mode, 0, 0, size, null, 0, 0, Map.of());
    }

    public static TarEntry symlink(String name, String target) {
        return new TarEntry(name, Kind.SYMLINK, 0777, 0, 0, 0, target, 0, 0, Map.of());
    }

    public TarEntry withName(String newName) {
        return new TarEntry(newName, kind, mode, uid, gid, size, linkName, devMajor, devMinor, xattrs);
    }

    public TarEntry withLink(Kind newKind, String newLinkName) {
        return new TarEntry(name, newKind, mode, uid, gid, newKind == Kind.FILE ? size : 0, newLinkName, devMajor,
                devMinor, xattrs);
    }

    public TarEntry withOwner(long newUid, long newGid) {
        return new TarEntry(name, kind, mode, newUid, newGid, size, linkName, devMajor, devMinor, xattrs);
    }

    public TarEntry withContent(long newSize) {
        return new TarEntry(name, Kind.FILE, mode, uid, gid, newSize, null, 0, 0, xattrs);
    }
}
