package dev.kiln.boot.part;

import dev.kiln.boot.io.Bytes;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * A GUID partition table (UEFI 2.10, section 5.3): the primary header at LBA 1 with 128 entries
 * of 128 bytes at LBAs 2-33, and the backup entries and header in the last 33 sectors.
 */
public record Gpt(long diskSectors, UUID diskId, List<GptPartition> partitions) {

    public static final int ENTRIES = 128;
    public static final int ENTRY_SIZE = 128;
    /** Sectors the header and the entry array take at each end of the disk. */
    public static final int SECTORS = 1 + ENTRIES * ENTRY_SIZE / 512;

    public Gpt {
        partitions = List.copyOf(partitions);
        for (GptPartition p : partitions) {
            if (p.firstLba() < firstUsable() || p.lastLba() > diskSectors - SECTORS - 1) {
                throw new IllegalArgumentException("partition " + p.name() + " lies outside the usable sectors");
            }
        }
    }

    public static long firstUsable() {
        return 1 + SECTORS;
    }

    /** LBA 1 to 33: header then entries. */
    public byte[] primary() {
        byte[] entries = entries();
        ByteBuffer out = Bytes.le(512 + entries.length);
        out.put(header(1, diskSectors - 1, 2, entries));
        out.put(entries);
        return out.array();
    }

    /** The last 33 sectors: entries then header. */
    public byte[] backup() {
        byte[] entries = entries();
        ByteBuffer out = Bytes.le(512 + entries.length);
        out.put(entries);
        out.put(header(diskSectors - 1, 1, diskSectors - SECTORS, entries));
        return out.array();
    }

    private byte[] header(long self, long alternate, long entriesLba, byte[] entries) {
        ByteBuffer b = Bytes.le(512);
        b.put("EFI PART".getBytes(StandardCharsets.US_ASCII)).putInt(0x00010000).putInt(92).putInt(0).putInt(0);
        b.putLong(self).putLong(alternate).putLong(firstUsable()).putLong(diskSectors - SECTORS - 1);
        b.put(Guids.toGpt(diskId)).putLong(entriesLba).putInt(ENTRIES).putInt(ENTRY_SIZE).putInt(crc(entries, entries.length));
        b.putInt(16, crc(b.array(), 92));
        return b.array();
    }

    private byte[] entries() {
        ByteBuffer b = Bytes.le(ENTRIES * ENTRY_SIZE);
        for (GptPartition p : partitions) {
            b.put(Guids.toGpt(p.type())).put(Guids.toGpt(p.id())).putLong(p.firstLba()).putLong(p.lastLba());
            b.putLong(p.attributes());
            byte[] name = p.name().getBytes(StandardCharsets.UTF_16LE);
            b.put(name, 0, Math.min(name.length, 72)).position(b.position() + 72 - Math.min(name.length, 72));
        }
        return b.array();
    }

    private static int crc(byte[] data, int length) {
        CRC32 crc = new CRC32();
        crc.update(data, 0, length);
        return (int) crc.getValue();
    }
}
