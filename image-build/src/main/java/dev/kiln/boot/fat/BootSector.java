package dev.kiln.boot.fat;

import dev.kiln.limits.Fields;

import dev.kiln.boot.io.Bytes;

import java.nio.ByteBuffer;

/** The FAT32 boot sector with its BIOS parameter block, and the FSInfo sector (specification, sections 3 and 5). */
final class BootSector {

    private BootSector() {
    }

    static byte[] encode(Fat32Layout layout) {
        Fat32Geometry g = layout.geometry;
        ByteBuffer b = Bytes.le(Fat32Geometry.SECTOR);
        b.put(new byte[] {(byte) 0xEB, 0x58, (byte) 0x90}).put(Bytes.ascii("KILN", 8, ' '));
        b.putShort((short) Fat32Geometry.SECTOR).put((byte) g.sectorsPerCluster()).putShort((short) g.reserved());
        b.put((byte) 2).putShort((short) 0).putShort((short) 0).put((byte) 0xF8).putShort((short) 0);
        b.putShort((short) 63).putShort((short) 255);
        b.putInt(Fields.u32("FAT32 hidden sectors", layout.diskOffset / Fat32Geometry.SECTOR)).putInt(Fields.u32("FAT32 total sectors (a FAT32 volume is under 2 TiB)", g.sectors()));
        b.putInt(Fields.u32("FAT32 sectors per FAT", g.fatSectors())).putShort((short) 0).putShort((short) 0).putInt(2);
        b.putShort((short) 1).putShort((short) 6).put(new byte[12]);
        b.put((byte) 0x80).put((byte) 0).put((byte) 0x29).putInt(layout.volumeId);
        b.put(ShortName.label(layout.label).bytes()).put(Bytes.ascii("FAT32", 8, ' '));
        b.put(510, (byte) 0x55).put(511, (byte) 0xAA);
        return b.array();
    }

    static byte[] fsInfo(long freeClusters, long nextFree) {
        ByteBuffer b = Bytes.le(Fat32Geometry.SECTOR);
        b.putInt(0, 0x41615252);
        b.putInt(484, 0x61417272);
        b.putInt(488, Fields.u32("FAT32 free cluster count", freeClusters));
        b.putInt(492, Fields.u32("FAT32 next free cluster", nextFree));
        b.putInt(508, 0xAA550000);
        return b.array();
    }
}
