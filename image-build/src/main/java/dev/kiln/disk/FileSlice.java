package dev.kiln.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A read-only window {@code [base, base + length)} of a file seen as a whole file, so a reader written
 * for a file (the VMDK reader) can read a member of an archive (the disk inside an OVA) in place.
 * Closing the slice closes the file.
 */
public final class FileSlice extends FileChannel {

    private final FileChannel file;
    private final long base;
    private final long length;
    private long position;

    public FileSlice(FileChannel file, long base, long length) {
        this.file = file;
        this.base = base;
        this.length = length;
    }

    @Override
    public int read(ByteBuffer dst, long pos) throws IOException {
        if (pos >= length) {
            return -1;
        }
        int room = (int) Math.min(dst.remaining(), length - pos);
        ByteBuffer window = dst.slice(dst.position(), room);
        int n = file.read(window, base + pos);
        if (n > 0) {
            dst.position(dst.position() + n);
        }
        return n;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int n = read(dst, position);
        if (n > 0) {
            position += n;
        }
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int count) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + count; i++) {
            int n = read(dsts[i]);
            if (n < 0) {
                return total == 0 ? -1 : total;
            }
            total += n;
            if (dsts[i].hasRemaining()) {
                break;
            }
        }
        return total;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public FileChannel position(long newPosition) {
        this.position = newPosition;
        return this;
    }

    @Override
    public long size() {
        return length;
    }

    @Override
    public long transferTo(long pos, long count, WritableByteChannel target) throws IOException {
        if (pos >= length) {
            return 0;
        }
        return file.transferTo(base + pos, Math.min(count, length - pos), target);
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int count) {
        throw new NonWritableChannelException();
    }

    @Override
    public int write(ByteBuffer src, long pos) {
        throw new NonWritableChannelException();
    }

    @Override
    public FileChannel truncate(long size) {
        throw new NonWritableChannelException();
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long pos, long count) {
        throw new NonWritableChannelException();
    }

    @Override
    public void force(boolean metaData) {
        // nothing is ever written
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long pos, long size) {
        throw new UnsupportedOperationException("a file slice cannot be mapped");
    }

    @Override
    public FileLock lock(long pos, long size, boolean shared) {
        throw new UnsupportedOperationException("a file slice cannot be locked");
    }

    @Override
    public FileLock tryLock(long pos, long size, boolean shared) {
        throw new UnsupportedOperationException("a file slice cannot be locked");
    }

    @Override
    protected void implCloseChannel() throws IOException {
        file.close();
    }
}
