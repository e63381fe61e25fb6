package dev.kiln.rootfs;

import dev.kiln.limits.FieldOverflowException;
import dev.kiln.limits.Fields;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A writer of the "newc" cpio format the kernel unpacks as initramfs
 * (Documentation/driver-api/early-userspace/buffer-format.rst): a 110-byte ASCII header, the
 * name with its NUL, padding to 4 bytes, the data, padding to 4 bytes; "TRAILER!!!" at the end.
 * Inode numbers are assigned in order from 1, so the output depends only on the entries.
 * Every header field is 8 hex digits (32 bits): a value that does not fit (a file of 4 GiB or more, a uid
 * over 2^32-1) is refused before anything of the entry is written, never wrapped. A wrapped size would make
 * the entry's tail parse as further entries, e.g. a second {@code /init}.
 */
public final class CpioWriter {

    static final int S_IFMT = 0170000;
    static final int S_IFIFO = 0010000;
    static final int S_IFCHR = 0020000;
    static final int S_IFDIR = 0040000;
    static final int S_IFBLK = 0060000;
    static final int S_IFREG = 0100000;
    static final int S_IFLNK = 0120000;

    private static final String[] FIELD_NAMES = {"inode", "mode", "uid", "gid", "nlink", "mtime", "size",
        "devmajor", "devminor", "rdevmajor", "rdevminor", "namesize", "check"};

    /** An entry newc cannot hold; {@link #entry()} is its name in the archive. */
    public static final class CpioFieldException extends IOException {
        private final String entry;

        CpioFieldException(String entry, String field, String why) {
            super("cpio (newc) cannot hold entry " + entry + ": " + field + ": " + why);
            this.entry = entry;
        }

        public String entry() {
            return entry;
        }
    }

    private final OutputStream out;
    private long written;
    private long inode;

    public CpioWriter(OutputStream out) {
        this.out = out;
    }

    /** The name the newc trailer uses; an entry of that name would end the archive early for cpio(1). */
    public static final String TRAILER = "TRAILER!!!";

    /**
     * @param mode type bits and permissions; {@code data} holds {@code size} bytes (the target, for a symlink)
     * @throws CpioFieldException when a field does not fit newc's 32 bits; nothing of the entry has been written
     */
    public void write(String name, int mode, long uid, long gid, long mtime, long size, int rdevMajor, int rdevMinor,
                      InputStream data) throws IOException {
        if (name.equals(TRAILER)) {
            throw new CpioFieldException(name, "name", "an entry named " + TRAILER + " would end the archive there");
        }
        header(name, mode, uid, gid, (mode & S_IFMT) == S_IFDIR ? 2 : 1, mtime, size,
                rdevMajor, rdevMinor);
        long copied = data.transferTo(out);
        if (copied != size) {
            throw new IOException("cpio entry " + name + " has " + copied + " bytes, expected " + size);
        }
        written += copied;
        pad();
    }

    /** Writes the trailer; the underlying stream stays open. */
    public void finish() throws IOException {
        inode = -1;
        header("TRAILER!!!", 0, 0, 0, 1, 0, 0, 0, 0);
        out.flush();
    }

    private void header(String name, int mode, long uid, long gid, long nlink, long mtime, long size, int major,
                        int minor) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        long[] fields = {inode + 1, mode, uid, gid, nlink, mtime, size, 0, 0, major, minor, nameBytes.length + 1L, 0};
        StringBuilder h = new StringBuilder(110).append("070701");
        for (int i = 0; i < fields.length; i++) {
            try {
                h.append(String.format("%08X", Fields.u32(FIELD_NAMES[i], fields[i])));
            } catch (FieldOverflowException e) {
                throw new CpioFieldException(name, FIELD_NAMES[i], e.getMessage());
            }
        }
        inode++;
        byte[] bytes = h.toString().getBytes(StandardCharsets.US_ASCII);
        out.write(bytes);
        out.write(nameBytes);
        out.write(0);
        written += bytes.length + nameBytes.length + 1L;
        pad();
    }

    private void pad() throws IOException {
        while (written % 4 != 0) {
            out.write(0);
            written++;
        }
    }
}
