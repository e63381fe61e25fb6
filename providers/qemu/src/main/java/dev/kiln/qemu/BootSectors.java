package dev.kiln.qemu;

import dev.kiln.api.BootMode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which firmware can start an image, read from its first sectors. A disk boots under BIOS when its
 * MBR carries boot code (bytes 0-439 not all zero, signature 55AA; a GPT protective MBR has none),
 * and under UEFI when it has an EFI System Partition: MBR type EF, or a GPT entry of type
 * C12A7328-F81F-11D2-BA4B-00A0C93EC93B (UEFI 2.10, 5.2 and 5.3). A CD boots under whichever
 * platforms its El Torito catalog names: 0 for x86 BIOS, EF for UEFI (El Torito 1.0, 2.0-2.4).
 */
final class BootSectors {

    /** Enough of a disk for its MBR, GPT header and 128 entries. */
    static final int DISK_HEAD = 34 * 512;

    private static final int SECTOR = 512;
    private static final int CD_SECTOR = 2048;
    private static final byte[] ESP_TYPE = {0x28, 0x73, 0x2a, (byte) 0xc1, 0x1f, (byte) 0xf8, (byte) 0xd2, 0x11,
            (byte) 0xba, 0x4b, 0x00, (byte) 0xa0, (byte) 0xc9, 0x3e, (byte) 0xc9, 0x3b};
    private static final int MAX_GPT_ENTRIES = 128;

    private BootSectors() {
    }

    /** Boot modes of a partitioned disk, given its raw bytes. */
    static Set<BootMode> ofDisk(FileChannel disk) throws IOException {
        ByteBuffer mbr = ImageKind.read(disk, 0, SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        Set<BootMode> modes = EnumSet.noneOf(BootMode.class);
        if (mbr.remaining() < SECTOR || (mbr.get(510) & 0xff) != 0x55 || (mbr.get(511) & 0xff) != 0xaa) {
            return modes;
        }
        for (int i = 0; i < 440; i++) {
            if (mbr.get(i) != 0) {
                modes.add(BootMode.BIOS);
                break;
            }
        }
        boolean protective = false;
        for (int p = 0; p < 4; p++) {
            int type = mbr.get(446 + p * 16 + 4) & 0xff;
            if (type == 0xef) {
                modes.add(BootMode.UEFI);
            }
            protective |= type == 0xee;
        }
        if (protective && gptHasEsp(disk)) {
            modes.add(BootMode.UEFI);
        }
        return modes;
    }

    private static boolean gptHasEsp(FileChannel disk) throws IOException {
        ByteBuffer header = ImageKind.read(disk, SECTOR, 92).order(ByteOrder.LITTLE_ENDIAN);
        if (header.remaining() < 92 || !"EFI PART".equals(ascii(header, 0, 8))) {
            return false;
        }
        long entriesLba = header.getLong(72);
        int count = Math.min(header.getInt(80), MAX_GPT_ENTRIES);
        int size = header.getInt(84);
        if (size < 128 || entriesLba < 2) {
            return false;
        }
        ByteBuffer entries = ImageKind.read(disk, entriesLba * SECTOR, count * size);
        for (int i = 0; i < count && (i + 1) * size <= entries.remaining(); i++) {
            byte[] type = new byte[16];
            entries.get(i * size, type);
            if (Arrays.equals(type, ESP_TYPE)) {
                return true;
            }
        }
        return false;
    }

    /** Boot modes of an ISO9660 CD, from its El Torito boot catalog. */
    static Set<BootMode> ofCd(FileChannel cd) throws IOException {
        Set<BootMode> modes = EnumSet.noneOf(BootMode.class);
        ByteBuffer record = ImageKind.read(cd, 17L * CD_SECTOR, 0x4b).order(ByteOrder.LITTLE_ENDIAN);
        if (record.remaining() < 0x4b || record.get(0) != 0 || !"CD001".equals(ascii(record, 1, 5))
                || !ascii(record, 7, 23).equals("EL TORITO SPECIFICATION")) {
            return modes;
        }
        long catalog = Integer.toUnsignedLong(record.getInt(0x47));
        ByteBuffer entries = ImageKind.read(cd, catalog * CD_SECTOR, CD_SECTOR);
        for (int at = 0; at + 32 <= entries.remaining(); at += 32) {
            int header = entries.get(at) & 0xff;
            boolean validation = at == 0 && header == 0x01;
            if (validation || at > 0 && (header == 0x90 || header == 0x91)) {
                platform(entries.get(at + 1) & 0xff, modes);
            }
        }
        return modes;
    }

    private static void platform(int id, Set<BootMode> modes) {
        if (id == 0) {
            modes.add(BootMode.BIOS);
        } else if (id == 0xef) {
            modes.add(BootMode.UEFI);
        }
    }

    private static String ascii(ByteBuffer b, int at, int length) {
        byte[] out = new byte[length];
        b.get(at, out);
        return new String(out, java.nio.charset.StandardCharsets.US_ASCII);
    }
}
