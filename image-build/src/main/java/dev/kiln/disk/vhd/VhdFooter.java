package dev.kiln.disk.vhd;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * The 512-byte VHD footer (Microsoft "Virtual Hard Disk Image Format Specification" 1.0, "Hard Disk
 * Footer Format"), big-endian. Azure reads cookie, type, current size and checksum. The creator
 * application is "win " (Hyper-V's value) because readers such as qemu's vpc driver trust the current
 * size only for a known list of creators (win, qem2, d2v, CTXS, tap) and otherwise truncate the disk to
 * its CHS geometry, which for most sizes is smaller than the whole MiB count Azure requires.
 */
public final class VhdFooter {

    public static final int SIZE = 512;
    public static final int TYPE_FIXED = 2;
    public static final int TYPE_DYNAMIC = 3;
    static final Instant EPOCH = Instant.parse("2000-01-01T00:00:00Z");
    /** "win ": size semantics of Hyper-V (current size is authoritative). */
    private static final String CREATOR = "win ";
    /** "Wi2k": Windows as the creator host OS, as Hyper-V and qemu write it. */
    private static final int HOST_WINDOWS = 0x5769326B;

    private VhdFooter() {
    }

    /** The footer of a disk of {@code size} bytes; {@code dataOffset} is -1 for fixed disks, 512 for dynamic. */
    public static ByteBuffer build(int type, long size, long dataOffset, Instant time, UUID id) {
        ByteBuffer f = ByteBuffer.allocate(SIZE);
        f.put("conectix".getBytes(StandardCharsets.US_ASCII));
        f.putInt(2).putInt(0x00010000).putLong(dataOffset);
        f.putInt(seconds(time));
        f.put(CREATOR.getBytes(StandardCharsets.US_ASCII)).putInt(0x00010000).putInt(HOST_WINDOWS);
        f.putLong(size).putLong(size);
        f.putInt(geometry(size / 512));
        f.putInt(type);
        f.putInt(0);
        f.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
        f.put((byte) 0);
        f.putInt(64, checksum(f, 0, SIZE));
        return f.clear();
    }

    static int seconds(Instant time) {
        return (int) Math.max(0, Math.min(0xffffffffL, Duration.between(EPOCH, time).getSeconds()));
    }

    /** One's complement of the byte sum, the checksum field itself counted as zero. */
    public static int checksum(ByteBuffer b, int from, int len) {
        int sum = 0;
        for (int i = from; i < from + len; i++) {
            sum += b.get(i) & 0xff;
        }
        return ~sum;
    }

    /**
     * Cylinders (16 bits), heads (8), sectors per track (8), by the algorithm in the specification's
     * appendix "CHS Calculation".
     */
    public static int geometry(long totalSectors) {
        long ts = Math.min(totalSectors, 65535L * 16 * 255);
        long spt;
        long heads;
        long cth;
        if (ts >= 65535L * 16 * 63) {
            spt = 255;
            heads = 16;
            cth = ts / spt;
        } else {
            spt = 17;
            cth = ts / spt;
            heads = Math.max(4, (cth + 1023) / 1024);
            if (cth >= heads * 1024 || heads > 16) {
                spt = 31;
                heads = 16;
                cth = ts / spt;
            }
            if (cth >= heads * 1024) {
                spt = 63;
                heads = 16;
                cth = ts / spt;
            }
        }
        long cylinders = cth / heads;
        return (int) ((cylinders << 16) | (heads << 8) | spt);
    }

    /** A stable identifier for an image: the same name and size give the same UUID, so output is reproducible. */
    public static UUID id(String name, long size) {
        return UUID.nameUUIDFromBytes(("kiln-vhd:" + name + ":" + size).getBytes(StandardCharsets.UTF_8));
    }
}
