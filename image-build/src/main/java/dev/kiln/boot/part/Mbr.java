package dev.kiln.boot.part;

import dev.kiln.limits.Fields;

import dev.kiln.boot.io.Bytes;

import java.nio.ByteBuffer;
import java.util.List;

/** A master boot record: up to 440 bytes of boot code, the disk signature, four partition entries. */
public final class Mbr {

    public static final int CODE = 440;
    private static final int HEADS = 255;
    private static final int SECTORS_PER_TRACK = 63;

    private Mbr() {
    }

    public static byte[] encode(byte[] code, int diskSignature, List<MbrPartition> partitions) {
        if (code.length > CODE || partitions.size() > 4) {
            throw new IllegalArgumentException("MBR boot code over 440 bytes or more than four partitions");
        }
        ByteBuffer b = Bytes.le(512);
        b.put(code).position(CODE);
        b.putInt(diskSignature).putShort((short) 0);
        for (MbrPartition p : partitions) {
            b.put((byte) (p.active() ? 0x80 : 0)).put(chs(p.firstLba())).put((byte) p.type());
            b.put(chs(p.firstLba() + p.sectors() - 1)).putInt(Fields.u32("MBR partition start (LBA)", p.firstLba()))
                    .putInt(Fields.u32("MBR partition size in sectors (an MBR partition is under 2 TiB)", p.sectors()));
        }
        b.put(510, (byte) 0x55).put(511, (byte) 0xAA);
        return b.array();
    }

    /** The protective MBR of a GPT disk (UEFI 2.10, 5.2.3), with boot code for BIOS firmware. */
    public static byte[] protective(byte[] code, int diskSignature, long diskSectors) {
        return encode(code, diskSignature, List.of(new MbrPartition(false, MbrPartition.PROTECTIVE, 1,
                Math.min(diskSectors - 1, Fields.U32_MAX))));
    }

    /** Cylinder/head/sector of an LBA on a 255-head, 63-sector geometry; beyond 1023 cylinders the maximum. */
    private static byte[] chs(long lba) {
        long cylinder = lba / (HEADS * SECTORS_PER_TRACK);
        if (cylinder > 1023) {
            return new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF};
        }
        long head = lba / SECTORS_PER_TRACK % HEADS;
        long sector = lba % SECTORS_PER_TRACK + 1;
        return new byte[] {(byte) head, (byte) (sector | (cylinder >> 2 & 0xC0)), (byte) cylinder};
    }
}
