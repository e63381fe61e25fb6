package dev.kiln.boot.fat;

/**
 * Sizes of a FAT32 volume (Microsoft FAT specification, sections 3 and 4): cluster size from the
 * specification's table for the volume size, FAT size from the cluster count, and reserved
 * sectors padded so the data region starts on a 4 KiB boundary.
 *
 * @param sectors           total 512-byte sectors
 * @param sectorsPerCluster 1 to 64
 * @param reserved          reserved sectors before the first FAT
 * @param fatSectors        sectors of one FAT (there are two)
 * @param clusters          data clusters, numbered from 2
 */
public record Fat32Geometry(long sectors, int sectorsPerCluster, int reserved, long fatSectors, long clusters) {

    public static final int SECTOR = 512;
    /** Fewer clusters than this make the volume FAT16 whatever its header says (specification, section 3.5). */
    public static final long MIN_CLUSTERS = 65525;

    public static Fat32Geometry forSize(long bytes) {
        long sectors = bytes / SECTOR;
        int spc = clusterSectors(bytes);
        long fat = (sectors / spc + 2) * 4 / SECTOR + 1;
        int reserved = 32;
        long clusters = 0;
        for (int i = 0; i < 4; i++) {
            reserved = 32 + (int) Math.floorMod(-(32 + 2 * fat), 8);
            clusters = (sectors - reserved - 2 * fat) / spc;
            fat = (clusters + 2) * 4 / SECTOR + ((clusters + 2) * 4 % SECTOR == 0 ? 0 : 1);
        }
        reserved = 32 + (int) Math.floorMod(-(32 + 2 * fat), 8);
        clusters = (sectors - reserved - 2 * fat) / spc;
        if (clusters < MIN_CLUSTERS) {
            throw new IllegalArgumentException("a FAT32 volume needs at least " + MIN_CLUSTERS + " clusters; "
                    + bytes + " bytes give " + clusters);
        }
        return new Fat32Geometry(sectors, spc, reserved, fat, clusters);
    }

    /** The smallest FAT32 volume: 65525 clusters of 512 bytes plus FATs and reserved sectors. */
    public static long minimumBytes() {
        return 34L << 20;
    }

    public int clusterBytes() {
        return sectorsPerCluster * SECTOR;
    }

    public long dataOffset() {
        return (reserved + 2 * fatSectors) * SECTOR;
    }

    public long clusterOffset(long cluster) {
        return dataOffset() + (cluster - 2) * clusterBytes();
    }

    private static int clusterSectors(long bytes) {
        long mib = bytes >> 20;
        if (mib <= 260) {
            return 1;
        } else if (mib <= 8 * 1024) {
            return 8;
        } else if (mib <= 16 * 1024) {
            return 16;
        } else if (mib <= 32 * 1024) {
            return 32;
        }
        return 64;
    }
}
