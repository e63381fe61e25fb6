package dev.kiln.disk.vmdk;

import dev.kiln.api.KilnException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * A hosted sparse extent header as read from a file (VMware "Virtual Disk Format 5.0" technote,
 * "Hosted Sparse Extent Header"): little-endian, all offsets and sizes in 512-byte sectors.
 *
 * @param version          1 (monolithicSparse), 2 or 3 (streamOptimized)
 * @param flags            bit 2 zeroed-grain GTEs, bit 16 compressed grains, bit 17 grain markers
 * @param capacity         virtual size in sectors
 * @param grainSize        sectors per grain, a power of two
 * @param descriptorOffset the embedded descriptor's sector, 0 when there is none
 * @param descriptorSize   the embedded descriptor's length in sectors
 * @param gtesPerGt        grain table entries per grain table
 * @param gdOffset         the grain directory's sector, or {@link VmdkHeader#GD_AT_END} in a stream
 */
record SparseExtentHeader(int version, int flags, long capacity, long grainSize, long descriptorOffset,
                          long descriptorSize, int gtesPerGt, long gdOffset) {

    static final int COMPRESSED = 1 << 16;
    static final int MARKERS = 1 << 17;
    /** Largest grain kiln will hold in memory: 16 MiB (the default grain is 64 KiB). */
    private static final long MAX_GRAIN_SECTORS = 1L << 15;

    /** Parses and checks the 512-byte header at the start of {@code sector}; {@code path} names errors. */
    static SparseExtentHeader parse(ByteBuffer sector, Path path) {
        ByteBuffer h = sector.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (h.getInt(0) != VmdkHeader.MAGIC) {
            throw corrupt(path, "it has no sparse extent header (magic KDMV)");
        }
        SparseExtentHeader header = new SparseExtentHeader(h.getInt(4), h.getInt(8), h.getLong(12), h.getLong(20),
                h.getLong(28), h.getLong(36), h.getInt(44), h.getLong(56));
        header.check(path, h.getShort(77));
        return header;
    }

    private void check(Path path, short compressAlgorithm) {
        if (version < 1 || version > 3) {
            throw unsupported(path, "it is sparse extent version " + version + " (kiln reads 1 to 3)");
        }
        if (grainSize < 1 || grainSize > MAX_GRAIN_SECTORS || Long.bitCount(grainSize) != 1) {
            throw corrupt(path, "its grain size of " + grainSize + " sectors is not a power of two up to 16 MiB");
        }
        if (gtesPerGt < 1 || gtesPerGt > 1 << 16) {
            throw corrupt(path, "it claims " + gtesPerGt + " entries per grain table");
        }
        if (capacity < 0 || capacity > Long.MAX_VALUE / 512) {
            throw corrupt(path, "it claims a capacity of " + capacity + " sectors");
        }
        if (compressed() && compressAlgorithm != 1) {
            throw unsupported(path, "its grains use compression algorithm " + compressAlgorithm
                    + " (kiln reads deflate, 1)");
        }
    }

    /** The file breaks the format: damaged or cut short. */
    static KilnException corrupt(Path path, String what) {
        return KilnException.tried("read VMDK " + path, what,
                "the file is damaged or was cut short; copy or download it again");
    }

    /** The file is valid but uses something kiln does not read. */
    static KilnException unsupported(Path path, String what) {
        return KilnException.tried("read VMDK " + path, what,
                "convert it first: qemu-img convert -O qcow2 " + path + " disk.qcow2");
    }

    boolean compressed() {
        return (flags & COMPRESSED) != 0;
    }

    boolean markers() {
        return (flags & MARKERS) != 0;
    }

    int grainBytes() {
        return (int) (grainSize * 512);
    }

    /** Number of grain tables the directory holds: one per {@code gtesPerGt} grains of capacity. */
    long tables() {
        long grains = (capacity + grainSize - 1) / grainSize;
        return (grains + gtesPerGt - 1) / gtesPerGt;
    }
}
