package dev.kiln.boot.iso;

import dev.kiln.limits.Fields;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** ECMA-119 7.2.3 and 7.3.3: numbers recorded both little- and big-endian. */
final class Both {

    private Both() {
    }

    static void put16(ByteBuffer b, int value) {
        b.order(ByteOrder.LITTLE_ENDIAN).putShort((short) Fields.u16("ISO 9660 16-bit number", value));
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) value);
        b.order(ByteOrder.LITTLE_ENDIAN);
    }

    static void put32(ByteBuffer b, long value) {
        b.order(ByteOrder.LITTLE_ENDIAN).putInt(Fields.u32("ISO 9660 32-bit number (a file size or block address; ISO 9660 level 1-2 files are under 4 GiB)", value));
        b.order(ByteOrder.BIG_ENDIAN).putInt((int) value);
        b.order(ByteOrder.LITTLE_ENDIAN);
    }
}
