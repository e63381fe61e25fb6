package dev.kiln.boot.iso;

import dev.kiln.limits.Fields;

import dev.kiln.boot.io.Bytes;

import java.nio.ByteBuffer;

/**
 * The El Torito boot catalog (El Torito 1.0, section 2): a validation entry, the initial entry
 * (BIOS, no emulation) and, when there is a UEFI image, a final section header for platform 0xEF
 * with one no-emulation entry.
 */
final class BootCatalog {

    static final int PLATFORM_X86 = 0;
    static final int PLATFORM_EFI = 0xEF;

    private BootCatalog() {
    }

    /** {@code biosLba}/{@code efiLba} are negative when absent; counts are in 512-byte sectors. */
    static byte[] encode(long biosLba, int biosSectors, long efiLba, long efiBytes) {
        ByteBuffer b = Bytes.le(IsoLayout.BLOCK);
        boolean bios = biosLba >= 0;
        b.put(validation(bios ? PLATFORM_X86 : PLATFORM_EFI));
        if (bios) {
            b.put(entry(biosLba, biosSectors));
        } else {
            b.put(entry(efiLba, efiSectors(efiBytes)));
            return b.array();
        }
        if (efiLba >= 0) {
            b.put((byte) 0x91).put((byte) PLATFORM_EFI).putShort((short) 1).put(new byte[28]);
            b.put(entry(efiLba, efiSectors(efiBytes)));
        }
        return b.array();
    }

    /**
     * The 16-bit count cannot describe an image over 32 MiB - 512; there kiln writes 0, as xorriso 1.5
     * ({@code -e efi.img -no-emul-boot}) does, which firmware reads as "size unknown": EDK2 then reads
     * to the end of the volume (PartitionDxe ElTorito.c), and nothing takes it for a one-sector image.
     */
    static int efiSectors(long bytes) {
        long sectors = Bytes.ceilDiv(bytes, 512);
        return sectors <= 0xFFFF ? (int) sectors : 0;
    }

    private static byte[] validation(int platform) {
        ByteBuffer b = Bytes.le(32);
        b.put((byte) 1).put((byte) platform).putShort((short) 0).put(Bytes.ascii("KILN", 24, '\0'));
        b.putShort((short) 0).put((byte) 0x55).put((byte) 0xAA);
        int sum = 0;
        b.flip();
        for (int i = 0; i < 16; i++) {
            sum += b.getShort(i * 2) & 0xFFFF;
        }
        b.putShort(28, (short) -sum);
        return b.array();
    }

    private static byte[] entry(long lba, int sectors) {
        ByteBuffer b = Bytes.le(32);
        b.put((byte) 0x88).put((byte) 0).putShort((short) 0).put((byte) 0).put((byte) 0);
        b.putShort((short) Fields.u16("El Torito boot image sector count", sectors)).putInt(Fields.u32("El Torito boot image address", lba));
        return b.array();
    }
}
