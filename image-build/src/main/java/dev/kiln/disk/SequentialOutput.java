package dev.kiln.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/** A buffered sequential writer over a channel that counts the bytes it has written. */
public final class SequentialOutput {

    private final WritableByteChannel out;
    private final ByteBuffer buf = dev.kiln.disk.compress.BufferPool.aligned(1 << 20);
    private long written;

    public SequentialOutput(WritableByteChannel out) {
        this.out = out;
    }

    /** Bytes written so far (buffered or not). */
    public long position() {
        return written;
    }

    public void write(ByteBuffer src) throws IOException {
        written += src.remaining();
        if (src.remaining() >= buf.capacity()) {
            flush();
            while (src.hasRemaining()) {
                out.write(src);
            }
            return;
        }
        while (src.hasRemaining()) {
            if (!buf.hasRemaining()) {
                flush();
            }
            int n = Math.min(buf.remaining(), src.remaining());
            buf.put(buf.position(), src, src.position(), n);
            buf.position(buf.position() + n);
            src.position(src.position() + n);
        }
    }

    public void write(byte[] bytes) throws IOException {
        write(ByteBuffer.wrap(bytes));
    }

    /** Writes {@code n} zero bytes. */
    public void zeros(long n) throws IOException {
        ByteBuffer z = ByteBuffer.allocate(4096);
        for (long left = n; left > 0; left -= 4096) {
            write(z.clear().limit((int) Math.min(4096, left)));
        }
    }

    public void flush() throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            out.write(buf);
        }
        buf.clear();
    }
}
