package dev.kiln.disk;

import dev.kiln.api.Extent;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a file's data is. Linux (and the BSDs, Solaris, macOS) answer with {@code lseek(fd, off,
 * SEEK_DATA/SEEK_HOLE)}, which costs a few syscalls however big the holes are; Java 17 has no API for
 * it, so it is called through JNA. Without it (no JNA native, a filesystem that refuses the whence
 * values) the file is read and scanned for zeros instead.
 */
final class FileHoles {

    /** Granularity of the read-and-scan fallback: a filesystem block. */
    static final int SCAN_BLOCK = 4096;

    private static final int O_RDONLY = 0;
    private static final int SEEK_DATA = 3;
    private static final int SEEK_HOLE = 4;
    private static final int ENXIO = 6;
    private static final boolean NATIVE = register();

    private FileHoles() {
    }

    private static boolean register() {
        if (!Platform.isLinux()) {
            return false;
        }
        try {
            Native.register(FileHoles.class, Platform.C_LIBRARY_NAME);
            return true;
        } catch (Throwable e) {
            return false;
        }
    }

    private static native int open(String path, int flags) throws LastErrorException;

    private static native long lseek(int fd, long offset, int whence) throws LastErrorException;

    private static native int close(int fd);

    /** The data extents of {@code path} (the first {@code size} bytes), by lseek or by scanning. */
    static List<Extent> extents(Path path, FileChannel channel, long size) throws IOException {
        Optional<List<Extent>> bySeek = NATIVE ? seek(path, size) : Optional.empty();
        return bySeek.isPresent() ? bySeek.get() : scan(channel, size);
    }

    /** Whether lseek(SEEK_DATA) is callable from here at all. */
    static boolean nativeAvailable() {
        return NATIVE;
    }

    static Optional<List<Extent>> seek(Path path, long size) {
        int fd;
        try {
            fd = open(path.toString(), O_RDONLY);
        } catch (LastErrorException e) {
            return Optional.empty();
        }
        try {
            List<Extent> out = new ArrayList<>();
            long pos = 0;
            while (pos < size) {
                long data = nextData(fd, pos);
                if (data < 0 || data >= size) {
                    break;
                }
                long hole = Math.min(size, lseek(fd, data, SEEK_HOLE));
                out.add(new Extent(data, hole - data));
                pos = hole;
            }
            return Optional.of(out);
        } catch (LastErrorException e) {
            // EINVAL and the like: this filesystem cannot tell holes from data
            return Optional.empty();
        } finally {
            close(fd);
        }
    }

    /** The next data offset at or after {@code pos}, or -1 when only a hole follows (ENXIO). */
    private static long nextData(int fd, long pos) {
        try {
            return lseek(fd, pos, SEEK_DATA);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ENXIO) {
                return -1;
            }
            throw e;
        }
    }

    /** The fallback: read everything, report runs of 4 KiB blocks that hold a non-zero byte. */
    static List<Extent> scan(FileChannel channel, long size) throws IOException {
        ByteBuffer buf = dev.kiln.disk.compress.BufferPool.aligned(1 << 20);
        List<Extent> out = new ArrayList<>();
        long runStart = -1;
        for (long pos = 0; pos < size; pos += buf.capacity()) {
            buf.clear().limit((int) Math.min(buf.capacity(), size - pos));
            readFully(channel, buf, pos);
            for (int off = 0; off < buf.limit(); off += SCAN_BLOCK) {
                int len = Math.min(SCAN_BLOCK, buf.limit() - off);
                boolean zero = Zeros.isZero(buf, off, len);
                long at = pos + off;
                if (!zero && runStart < 0) {
                    runStart = at;
                } else if (zero && runStart >= 0) {
                    out.add(new Extent(runStart, at - runStart));
                    runStart = -1;
                }
            }
        }
        if (runStart >= 0) {
            out.add(new Extent(runStart, size - runStart));
        }
        return out;
    }

    static void readFully(FileChannel channel, ByteBuffer dst, long offset) throws IOException {
        long pos = offset;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, pos);
            if (n < 0) {
                while (dst.hasRemaining()) {
                    dst.put((byte) 0);
                }
                break;
            }
            pos += n;
        }
        dst.flip();
    }
}
