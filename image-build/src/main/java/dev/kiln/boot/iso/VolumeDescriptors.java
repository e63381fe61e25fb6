package dev.kiln.boot.iso;

import dev.kiln.limits.Fields;

import dev.kiln.boot.io.Bytes;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** ECMA-119 8.4 primary volume descriptor, the El Torito boot record (8.2) and the terminator (8.3). */
final class VolumeDescriptors {

    private static final byte[] STANDARD_ID = "CD001".getBytes(StandardCharsets.US_ASCII);

    private VolumeDescriptors() {
    }

    static byte[] primary(IsoLayout layout) {
        ByteBuffer b = ByteBuffer.allocate(IsoLayout.BLOCK).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 1).put(STANDARD_ID).put((byte) 1).put((byte) 0);
        b.put(Bytes.ascii("LINUX", 32, ' '));
        b.put(Bytes.ascii(layout.spec.volumeId(), 32, ' '));
        b.position(80);
        Both.put32(b, layout.volumeBlocks);
        b.position(120);
        Both.put16(b, 1);
        Both.put16(b, 1);
        Both.put16(b, IsoLayout.BLOCK);
        Both.put32(b, layout.pathTableSize);
        b.putInt(Fields.u32("ISO 9660 path table address", layout.pathTableL)).putInt(0);
        b.order(ByteOrder.BIG_ENDIAN).putInt(Fields.u32("ISO 9660 path table address", layout.pathTableM)).putInt(0).order(ByteOrder.LITTLE_ENDIAN);
        IsoNode root = layout.root;
        b.put(DirectoryRecord.encode(new byte[] {0}, root.lba, root.size, true, new byte[0]));
        b.put(Bytes.ascii("", 128, ' '));
        b.put(Bytes.ascii("", 128, ' '));
        b.put(Bytes.ascii("", 128, ' '));
        b.put(Bytes.ascii("KILN", 128, ' '));
        b.put(Bytes.ascii("", 37 * 3, ' '));
        for (int i = 0; i < 4; i++) {
            boolean unset = i == 2;
            b.put(Bytes.ascii(unset ? "0000000000000000" : IsoTime.DESCRIPTOR, 16, '0')).put((byte) 0);
        }
        b.put((byte) 1);
        return b.array();
    }

    /** The El Torito boot record volume descriptor: names the block of the boot catalog. */
    static byte[] bootRecord(long catalogLba) {
        ByteBuffer b = ByteBuffer.allocate(IsoLayout.BLOCK).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0).put(STANDARD_ID).put((byte) 1);
        b.put(Bytes.ascii("EL TORITO SPECIFICATION", 32, '\0'));
        b.position(0x47);
        b.putInt(Fields.u32("El Torito boot catalog address", catalogLba));
        return b.array();
    }

    static byte[] terminator() {
        byte[] b = new byte[IsoLayout.BLOCK];
        b[0] = (byte) 255;
        System.arraycopy(STANDARD_ID, 0, b, 1, 5);
        b[6] = 1;
        return b;
    }
}
