package dev.kiln.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Whole-buffer positional writes, which FileChannel only promises one call at a time. */
public final class Channels {

    private Channels() {
    }

    /** Writes all of {@code buf} (position to limit) at {@code pos}. */
    public static void writeFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        long at = pos;
        while (buf.hasRemaining()) {
            at += ch.write(buf, at);
        }
    }

    /** Writes all of {@code bytes} at {@code pos}. */
    public static void writeFully(FileChannel ch, byte[] bytes, long pos) throws IOException {
        writeFully(ch, ByteBuffer.wrap(bytes), pos);
    }

    /** Reads exactly {@code dst.remaining()} bytes at {@code pos}; short files read as zeros. */
    public static void readFully(FileChannel ch, ByteBuffer dst, long pos) throws IOException {
        long at = pos;
        while (dst.hasRemaining()) {
            int n = ch.read(dst, at);
            if (n < 0) {
                while (dst.hasRemaining()) {
                    dst.put((byte) 0);
                }
                return;
            }
            at += n;
        }
    }
}
