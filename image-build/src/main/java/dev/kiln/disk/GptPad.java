package dev.kiln.disk;

import dev.kiln.api.DiskSource;
import dev.kiln.api.Extent;

import dev.kiln.api.Events;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A disk made larger with its GPT kept whole (UEFI 2.10, 5.3.2): the backup entry array and header move
 * to the new last sectors, and the primary header's alternate LBA and last usable LBA and the protective
 * MBR's size follow, CRCs recomputed, as {@code sgdisk -e} does. Only the layout kiln writes is moved
 * (primary header at LBA 1 with its entries at LBA 2, backup entries then header in the last sectors,
 * CRCs valid, one protective partition); any other disk with a GPT is padded with zeros as it is and a
 * warning says its partition table was not moved.
 */
public final class GptPad implements DiskSource {

    private static final int SECTOR = 512;
    private static final long SIGNATURE = 0x5452415020494645L; // "EFI PART", little-endian

    private final DiskSource source;
    private final long size;
    private final byte[] head;
    private final long oldTailStart;
    private final byte[] tail;

    private GptPad(DiskSource source, long size, byte[] head, long oldTailStart, byte[] tail) {
        this.source = source;
        this.size = size;
        this.head = head;
        this.oldTailStart = oldTailStart;
        this.tail = tail;
    }

    /**
     * {@code source} as a disk of {@code size} bytes (a multiple of 512, not smaller): with its GPT moved
     * when kiln laid it out, else as it is, with a warning when it has a GPT that stays behind.
     */
    public static DiskSource pad(DiskSource source, long size, Events events) throws IOException {
        if (size <= source.size() || source.size() % SECTOR != 0 || size % SECTOR != 0) {
            return source;
        }
        ByteBuffer head = ByteBuffer.allocate(2 * SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        source.read(0, head);
        if (head.getLong(SECTOR) != SIGNATURE) {
            return source;
        }
        GptPad moved = moved(source, size, head);
        if (moved == null) {
            events.warn("The disk was padded from " + source.size() + " to " + size + " bytes but its GPT"
                    + " partition table was not moved: kiln did not lay this disk out, so its backup GPT now sits"
                    + " before the end; run 'sgdisk -e' on the result to move it");
            return source;
        }
        return moved;
    }

    private static GptPad moved(DiskSource source, long size, ByteBuffer head) throws IOException {
        long oldLast = source.size() / SECTOR - 1;
        long newLast = size / SECTOR - 1;
        ByteBuffer primary = head.slice(SECTOR, SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        int entriesBytes = primary.getInt(80) * primary.getInt(84);
        if (primary.getInt(12) != 92 || primary.getLong(24) != 1 || primary.getLong(32) != oldLast
                || primary.getLong(72) != 2 || primary.getInt(84) != 128 || entriesBytes <= 0
                || entriesBytes % SECTOR != 0 || entriesBytes > 1 << 20 || !headerCrcOk(primary)) {
            return null;
        }
        int entrySectors = entriesBytes / SECTOR;
        if (primary.getLong(48) != oldLast - entrySectors - 1 || !protectiveOnly(head, oldLast)) {
            return null;
        }
        ByteBuffer entries = ByteBuffer.allocate(entriesBytes);
        source.read(2L * SECTOR, entries);
        ByteBuffer backup = ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        source.read(oldLast * SECTOR, backup);
        if (crc(entries.array(), 0, entriesBytes) != primary.getInt(88) || backup.getLong(0) != SIGNATURE
                || !headerCrcOk(backup) || backup.getLong(24) != oldLast || backup.getLong(32) != 1
                || backup.getLong(72) != oldLast - entrySectors || backup.getInt(88) != primary.getInt(88)) {
            return null;
        }
        long lastUsable = newLast - entrySectors - 1;
        primary.putLong(32, newLast).putLong(48, lastUsable);
        sealHeader(primary);
        long protective = Math.min(newLast, 0xffffffffL);
        head.putInt(446 + 12, (int) protective);
        head.put(446 + 5, chs(protective)[0]).put(446 + 6, chs(protective)[1]).put(446 + 7, chs(protective)[2]);
        ByteBuffer newTail = ByteBuffer.allocate(entriesBytes + SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        newTail.put(entries.array());
        ByteBuffer newBackup = newTail.slice(entriesBytes, SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        newBackup.put(primary.duplicate().clear());
        newBackup.putLong(24, newLast).putLong(32, 1).putLong(72, newLast - entrySectors);
        sealHeader(newBackup);
        return new GptPad(source, size, head.array(), (oldLast - entrySectors) * SECTOR, newTail.array());
    }

    /** The MBR holds one partition, type 0xEE from LBA 1 over the whole old disk (or 2 TiB). */
    private static boolean protectiveOnly(ByteBuffer mbr, long oldLast) {
        if ((mbr.get(510) & 0xff) != 0x55 || (mbr.get(511) & 0xff) != 0xaa || (mbr.get(446 + 4) & 0xff) != 0xee
                || mbr.getInt(446 + 8) != 1 || (mbr.getInt(446 + 12) & 0xffffffffL) != Math.min(oldLast, 0xffffffffL)) {
            return false;
        }
        for (int p = 1; p < 4; p++) {
            if (mbr.get(446 + p * 16 + 4) != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean headerCrcOk(ByteBuffer h) {
        int stored = h.getInt(16);
        h.putInt(16, 0);
        byte[] b = new byte[92];
        h.get(0, b);
        h.putInt(16, stored);
        return crc(b, 0, 92) == stored;
    }

    private static void sealHeader(ByteBuffer h) {
        h.putInt(16, 0);
        byte[] b = new byte[92];
        h.get(0, b);
        h.putInt(16, crc(b, 0, 92));
    }

    private static int crc(byte[] data, int from, int length) {
        CRC32 crc = new CRC32();
        crc.update(data, from, length);
        return (int) crc.getValue();
    }

    /** Cylinder/head/sector on a 255-head, 63-sector geometry, the maximum past 1023 cylinders (as Mbr writes it). */
    private static byte[] chs(long lba) {
        long cylinder = lba / (255 * 63);
        if (cylinder > 1023) {
            return new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF};
        }
        long h = lba / 63 % 255;
        long s = lba % 63 + 1;
        return new byte[] {(byte) h, (byte) (s | (cylinder >> 2 & 0xC0)), (byte) cylinder};
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public List<Extent> extents() throws IOException {
        List<Extent> out = new ArrayList<>();
        out.add(new Extent(0, head.length));
        for (Extent e : source.extents()) {
            long end = Math.min(e.end(), oldTailStart);
            if (end > e.offset()) {
                out.add(new Extent(e.offset(), end - e.offset()));
            }
        }
        out.add(new Extent(size - tail.length, tail.length));
        out.sort(Comparator.comparingLong(Extent::offset));
        List<Extent> merged = new ArrayList<>();
        for (Extent e : out) {
            Extent last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && e.offset() <= last.end()) {
                merged.set(merged.size() - 1, new Extent(last.offset(), Math.max(last.end(), e.end()) - last.offset()));
            } else {
                merged.add(e);
            }
        }
        return merged;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        int start = dst.position();
        int len = dst.remaining();
        long end = offset + len;
        if (offset < source.size()) {
            source.read(offset, dst.slice(start, (int) Math.min(len, source.size() - offset)));
        }
        fill(dst, start, offset, end, oldTailStart, source.size(), null);
        fill(dst, start, offset, end, source.size(), size - tail.length, null);
        fill(dst, start, offset, end, 0, head.length, head);
        fill(dst, start, offset, end, size - tail.length, size, tail);
        dst.position(start + len);
    }

    /** Overwrites the part of {@code [from, to)} that {@code dst} covers with {@code bytes} (zeros when null). */
    private static void fill(ByteBuffer dst, int start, long offset, long end, long from, long to, byte[] bytes) {
        long a = Math.max(offset, from);
        long b = Math.min(end, to);
        for (long p = a; p < b; p++) {
            dst.put(start + (int) (p - offset), bytes == null ? 0 : bytes[(int) (p - from)]);
        }
    }

    @Override
    public boolean concurrentReads() {
        return source.concurrentReads();
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
