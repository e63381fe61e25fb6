package dev.kiln.rootfs;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * The root filesystem as one PAX tar stream, written the way LinuxKit writes it: every entry has
 * the fixed mtime 2017-04-18T16:30:00Z, no user or group names, and the PAX records
 * {@code LINUXKIT.source} (image reference, or linuxkit.files) and {@code LINUXKIT.location}
 * (where in the YAML, e.g. {@code onboot[2]}). Same calls, same bytes.
 */
public final class RootfsWriter implements Closeable {

    public static final FileTime MTIME = FileTime.from(Instant.parse("2017-04-18T16:30:00Z"));
    public static final String PAX_SOURCE = "LINUXKIT.source";
    public static final String PAX_LOCATION = "LINUXKIT.location";

    private final TarArchiveOutputStream tar;
    private final Set<String> directories = new HashSet<>();

    public RootfsWriter(OutputStream out) {
        this.tar = new TarArchiveOutputStream(out, "UTF-8");
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
    }

    /** Writes one entry; {@code data} must hold exactly {@code entry.size()} bytes for a regular file. */
    public void write(TarEntry entry, InputStream data, String source, String location) throws IOException {
        dev.kiln.limits.Interruptions.check("the root filesystem");
        parents(entry.name(), source, location);
        if (entry.kind() == TarEntry.Kind.DIR) {
            directories.add(entry.name());
        }
        TarArchiveEntry t = new TarArchiveEntry(entry.kind() == TarEntry.Kind.DIR ? entry.name() + "/" : entry.name(),
                flag(entry.kind()), true);
        t.setMode(entry.mode());
        t.setUserId(entry.uid());
        t.setGroupId(entry.gid());
        t.setUserName("");
        t.setGroupName("");
        t.setLastModifiedTime(MTIME);
        if (entry.kind() == TarEntry.Kind.SYMLINK || entry.kind() == TarEntry.Kind.HARDLINK) {
            t.setLinkName(entry.linkName());
        }
        if (entry.kind() == TarEntry.Kind.CHAR || entry.kind() == TarEntry.Kind.BLOCK) {
            t.setDevMajor(entry.devMajor());
            t.setDevMinor(entry.devMinor());
        }
        t.setSize(entry.kind() == TarEntry.Kind.FILE ? entry.size() : 0);
        t.addPaxHeader(PAX_SOURCE, source);
        t.addPaxHeader(PAX_LOCATION, location);
        entry.xattrs().forEach((k, v) -> t.addPaxHeader(Entries.XATTR + k, v));
        tar.putArchiveEntry(t);
        if (entry.kind() == TarEntry.Kind.FILE && entry.size() > 0) {
            long copied = data.transferTo(tar);
            if (copied != entry.size()) {
                throw new IOException("entry " + entry.name() + " has " + copied + " bytes, expected " + entry.size());
            }
        }
        tar.closeArchiveEntry();
    }

    public void write(TarEntry entry, byte[] data, String source, String location) throws IOException {
        write(entry.kind() == TarEntry.Kind.FILE ? entry.withContent(data.length) : entry,
                new ByteArrayInputStream(data), source, location);
    }

    /** The directories leading to and including {@code path}, each 0755, as LinuxKit's tarPrefix writes them. */
    public void directories(String path, String source, String location) throws IOException {
        if (path.isEmpty()) {
            return;
        }
        StringBuilder dir = new StringBuilder();
        for (String part : path.split("/")) {
            dir.append(dir.length() == 0 ? "" : "/").append(part);
            write(TarEntry.dir(dir.toString(), 0755), InputStream.nullInputStream(), source, location);
        }
    }

    /**
     * Parent directories a layer or kernel.tar left out, as 0755 root directories: the kernel's
     * initramfs unpacker does not create missing parents, so without them the files are lost.
     */
    private void parents(String name, String source, String location) throws IOException {
        int slash = name.lastIndexOf('/');
        if (slash <= 0 || directories.contains(name.substring(0, slash))) {
            return;
        }
        String parent = name.substring(0, slash);
        parents(parent, source, location);
        directories.add(parent);
        write(TarEntry.dir(parent, 0755), InputStream.nullInputStream(), source, location);
    }

    @Override
    public void close() throws IOException {
        tar.finish();
        tar.close();
    }

    private static byte flag(TarEntry.Kind kind) {
        return switch (kind) {
            case FILE -> TarConstants.LF_NORMAL;
            case DIR -> TarConstants.LF_DIR;
            case SYMLINK -> TarConstants.LF_SYMLINK;
            case HARDLINK -> TarConstants.LF_LINK;
            case CHAR -> TarConstants.LF_CHR;
            case BLOCK -> TarConstants.LF_BLK;
            case FIFO -> TarConstants.LF_FIFO;
        };
    }
}
