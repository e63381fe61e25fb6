package dev.kiln.boot.iso;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** ECMA-119 7.2.3 and 7.3.3: numbers recorded both little- and big-endian. */
final class Both {

    private Both() {
    }

    static void put16(ByteBuffer b, int value) {
        b.order(ByteOrder.LITTLE_ENDIAN).putShort((short) value);
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) value);
        b.order(ByteOrder.LITTLE_ENDIAN);
    }

    static void put32(ByteBuffer b, long value) {
        b.order(ByteOrder.LITTLE_ENDIAN).putInt((int) value);
        b.order(ByteOrder.BIG_ENDIAN).putInt((int) value);
        b.order(ByteOrder.LITTLE_ENDIAN);
    }
}
