package dev.kiln.rootfs;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An append-only temporary file holding the bytes of the entries that won while a layered image
 * was flattened, so they can be written out later in sorted order without being kept in memory.
 */
final class SpoolFile implements Closeable {

    private static final int BUFFER = 1 << 16;

    private final Path path;
    private final FileChannel channel;
    private long end;

    SpoolFile(Path dir) throws IOException {
        this.path = Files.createTempFile(dir, "spool", ".bin");
        this.channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.DELETE_ON_CLOSE);
    }

    /** Copies exactly {@code size} bytes from {@code in} and returns where they start. */
    long append(InputStream in, long size) throws IOException {
        long start = end;
        channel.position(start);
        OutputStream out = Channels.newOutputStream(channel);
        byte[] buffer = new byte[BUFFER];
        long left = size;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new EOFException("layer ended inside an entry");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
        end += size;
        return start;
    }

    /** A stream over {@code size} bytes at {@code offset}; positional reads, so several may be open. */
    InputStream open(long offset, long size) {
        return new InputStream() {
            private long position = offset;
            private final long limit = offset + size;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (position >= limit) {
                    return -1;
                }
                int want = (int) Math.min(len, limit - position);
                int n = channel.read(ByteBuffer.wrap(b, off, want), position);
                if (n < 0) {
                    throw new EOFException("spool file " + path + " is shorter than expected");
                }
                position += n;
                return n;
            }
        };
    }

    @Override
    public void close() throws IOException {
        channel.close();
        Files.deleteIfExists(path);
    }
}
