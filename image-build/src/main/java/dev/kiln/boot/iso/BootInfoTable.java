package dev.kiln.boot.iso;

import dev.kiln.limits.Fields;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 56-byte boot info table that ISOLINUX expects at offset 8 of its El Torito image
 * (mkisofs -boot-info-table): the primary volume descriptor's block, the image's own block and
 * length, and a 32-bit sum of the image from offset 64 on.
 */
final class BootInfoTable {

    private BootInfoTable() {
    }

    static byte[] patch(byte[] image, long imageLba) {
        if (image.length < 64) {
            throw new IllegalArgumentException("boot image of " + image.length + " bytes has no room for a boot info table");
        }
        byte[] out = image.clone();
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        int sum = 0;
        for (int i = 64; i < out.length; i += 4) {
            int word = 0;
            for (int k = 0; k < 4 && i + k < out.length; k++) {
                word |= (out[i + k] & 0xFF) << (8 * k);
            }
            sum += word;
        }
        b.putInt(8, 16).putInt(12, Fields.u32("El Torito boot image address", imageLba)).putInt(16, out.length).putInt(20, sum);
        for (int i = 24; i < 64; i++) {
            out[i] = 0;
        }
        return out;
    }
}
