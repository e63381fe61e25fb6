package dev.kiln.boot.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Little helpers for on-disk structures: little-endian buffers and padded ASCII fields. */
public final class Bytes {

    private Bytes() {
    }

    public static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    public static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** ASCII text padded with {@code pad} (or cut) to exactly {@code length} bytes. */
    public static byte[] ascii(String text, int length, char pad) {
        byte[] out = new byte[length];
        java.util.Arrays.fill(out, (byte) pad);
        byte[] src = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(src, 0, out, 0, Math.min(src.length, length));
        return out;
    }

    public static long ceilDiv(long value, long divisor) {
        return (value + divisor - 1) / divisor;
    }
}
