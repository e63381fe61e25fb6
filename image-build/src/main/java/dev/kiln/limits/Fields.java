package dev.kiln.limits;

/**
 * Checks for the fixed-width numeric fields the writers emit (cpio newc, tar, ISO 9660, FAT, MBR, GPT, VHD,
 * VMDK, qcow2, PE). A value that does not fit is an error, never a silent wrap: {@code (int) value} or
 * {@code value & 0xffffffff} on an oversized value writes a different, valid-looking number.
 */
public final class Fields {

    public static final long U8_MAX = 0xffL;
    public static final long U16_MAX = 0xffffL;
    public static final long U32_MAX = 0xffffffffL;

    private Fields() {
    }

    /** {@code value} as an unsigned 8-bit field named {@code field}. */
    public static int u8(String field, long value) {
        return (int) unsigned(field, value, U8_MAX, "0..255");
    }

    /** {@code value} as an unsigned 16-bit field; the result fits {@code (short)}. */
    public static int u16(String field, long value) {
        return (int) unsigned(field, value, U16_MAX, "0..65535");
    }

    /** {@code value} as an unsigned 32-bit field; the result's low 32 bits are the field, as {@code putInt} writes it. */
    public static int u32(String field, long value) {
        return (int) unsigned(field, value, U32_MAX, "0..4294967295");
    }

    /** {@code value} checked against {@code 0..max}; returned unchanged. */
    public static long unsigned(String field, long value, long max, String range) {
        if (value < 0 || value > max) {
            throw new FieldOverflowException(field, value, range);
        }
        return value;
    }
}
