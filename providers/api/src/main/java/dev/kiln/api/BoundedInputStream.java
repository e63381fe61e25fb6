package dev.kiln.api;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;

/**
 * A stream over at most {@code limit} bytes of another. Past the limit it either ends (a window, such as one
 * file inside an archive) or throws the caller's error (a cap, such as a layer that expands too far). Closing it
 * closes the underlying stream.
 */
public final class BoundedInputStream extends FilterInputStream {

    private final Supplier<? extends RuntimeException> tooLong;
    private long left;

    private BoundedInputStream(InputStream in, long limit, Supplier<? extends RuntimeException> tooLong) {
        super(in);
        if (limit < 0) {
            throw new IllegalArgumentException("limit " + limit + " is negative");
        }
        this.left = limit;
        this.tooLong = tooLong;
    }

    /** The first {@code size} bytes of {@code in}, then the end. */
    public static BoundedInputStream window(InputStream in, long size) {
        return new BoundedInputStream(in, size, null);
    }

    /** {@code in} as it is, but reading (or skipping) a byte past {@code max} throws {@code tooLong}'s error. */
    public static BoundedInputStream capped(InputStream in, long max, Supplier<? extends RuntimeException> tooLong) {
        return new BoundedInputStream(in, max, tooLong);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (left <= 0 && tooLong == null) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, left + (tooLong == null ? 0 : 1)));
        if (n > 0) {
            count(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        if (n <= 0 || left <= 0 && tooLong == null) {
            return 0;
        }
        long s = in.skip(Math.min(n, left + (tooLong == null ? 0 : 1)));
        if (s > 0) {
            count(s);
        }
        return s;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(in.available(), left + (tooLong == null ? 0 : 1));
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public synchronized void mark(int readlimit) {
    }

    @Override
    public synchronized void reset() throws IOException {
        throw new IOException("mark/reset not supported");
    }

    private void count(long n) {
        left -= n;
        if (left < 0) {
            throw tooLong.get();
        }
    }
}
