package dev.kiln.disk;

import java.nio.ByteBuffer;

/** Proving a range is zero, at memory speed: {@link ByteBuffer#mismatch} is vectorised by the JVM. */
public final class Zeros {

    private static final int CHUNK = 1 << 16;
    private static final ByteBuffer ZERO = ByteBuffer.allocateDirect(CHUNK).asReadOnlyBuffer();

    private Zeros() {
    }

    /** True when {@code buf[from, from+len)} (absolute indexes) holds only zero bytes. */
    public static boolean isZero(ByteBuffer buf, int from, int len) {
        int off = from;
        int end = from + len;
        while (off < end) {
            int n = Math.min(CHUNK, end - off);
            if (buf.slice(off, n).mismatch(ZERO.slice(0, n)) >= 0) {
                return false;
            }
            off += n;
        }
        return true;
    }
}
