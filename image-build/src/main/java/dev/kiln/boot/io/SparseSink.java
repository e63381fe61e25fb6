package dev.kiln.boot.io;

import dev.kiln.api.Extent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes an image front to back into a file at a base offset, seeking over zero blocks instead of
 * writing them, so a 1 GiB disk with 20 MiB of data costs 20 MiB of I/O and leaves holes. It
 * records the ranges it wrote as extents, which is what a {@link dev.kiln.api.DiskSource} needs.
 */
public final class SparseSink implements ByteSink {

    private static final int BLOCK = 4096;
    private static final byte[] ZEROS = new byte[BLOCK];

    private final FileChannel channel;
    private final long base;
    private final List<Extent> extents = new ArrayList<>();
    private long position;

    public SparseSink(FileChannel channel, long base) {
        this.channel = channel;
        this.base = base;
    }

    /** Opens {@code file} new for writing (whatever was there, a symlink too, is removed, never written through). */
    public static FileChannel open(Path file) throws IOException {
        dev.kiln.limits.AtomicFiles.removeExisting(file);
        return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    /** Bytes written so far, relative to the base offset. */
    public long position() {
        return position;
    }

    @Override
    public void write(byte[] bytes, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            int n = (int) Math.min(len - done, BLOCK - Math.floorMod(position, BLOCK));
            if (!isZero(bytes, off + done, n)) {
                writeAt(ByteBuffer.wrap(bytes, off + done, n));
            }
            position += n;
            done += n;
        }
    }

    /** Advances over {@code n} zero bytes without writing them. */
    @Override
    public void zeros(long n) {
        position += n;
    }

    /** Pads with zeros up to the next multiple of {@code alignment}. */
    public void align(long alignment) {
        long rem = Math.floorMod(position, alignment);
        if (rem != 0) {
            zeros(alignment - rem);
        }
    }

    /** Advances to {@code target}, which must not be behind the current position. */
    public void seek(long target) {
        if (target < position) {
            throw new IllegalStateException("layout error: seek back from " + position + " to " + target);
        }
        position = target;
    }

    @Override
    public void copy(Path file, long offset, long length) throws IOException {
        byte[] buf = new byte[1 << 20];
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long done = 0;
            while (done < length) {
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, (int) Math.min(buf.length, length - done));
                int n = in.read(bb, offset + done);
                if (n < 0) {
                    throw new IOException(file + " ended after " + done + " of " + length + " bytes");
                }
                write(buf, 0, n);
                done += n;
            }
        }
    }

    /** The ranges (relative to the channel's start, not the base) that were written. */
    public List<Extent> extents() {
        return List.copyOf(extents);
    }

    private void writeAt(ByteBuffer data) throws IOException {
        long at = base + position;
        int len = data.remaining();
        while (data.hasRemaining()) {
            channel.write(data, at + (len - data.remaining()));
        }
        Extent last = extents.isEmpty() ? null : extents.get(extents.size() - 1);
        if (last != null && last.end() == at) {
            extents.set(extents.size() - 1, new Extent(last.offset(), last.length() + len));
        } else {
            extents.add(new Extent(at, len));
        }
    }

    private static boolean isZero(byte[] b, int off, int len) {
        return Arrays.mismatch(b, off, off + len, ZEROS, 0, len) < 0;
    }
}
