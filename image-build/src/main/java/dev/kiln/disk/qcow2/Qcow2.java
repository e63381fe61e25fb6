package dev.kiln.disk.qcow2;

/** Constants of qcow2 version 3 (qemu docs/interop/qcow2.txt) as kiln writes it: 64 KiB clusters, 16-bit refcounts. */
final class Qcow2 {

    static final int MAGIC = 0x514649fb;
    static final int CLUSTER_BITS = 16;
    static final int CLUSTER = 1 << CLUSTER_BITS;
    static final int L2_ENTRIES = CLUSTER / 8;
    static final int REFCOUNT_ORDER = 4;
    static final int REFCOUNTS_PER_BLOCK = CLUSTER * 8 / (1 << REFCOUNT_ORDER);
    /** Header up to and including compression_type, padded to 8 (qcow2.txt: header_length). */
    static final int HEADER_LENGTH = 112;
    /** L1/L2 flag: refcount is exactly one, the cluster may be written in place. */
    static final long COPIED = 1L << 63;
    /** L2 flag: a compressed cluster descriptor follows. */
    static final long COMPRESSED = 1L << 62;
    /** Bits of the host offset in a compressed descriptor: 62 - (cluster_bits - 8). */
    static final int CSIZE_SHIFT = 62 - (CLUSTER_BITS - 8);
    static final long OFFSET_MASK = 0x00fffffffffffe00L;
    /** Incompatible feature bit 3: compression_type is not zlib. */
    static final long INCOMPAT_COMPRESSION_TYPE = 1L << 3;

    private Qcow2() {
    }

    static long clusters(long bytes) {
        return (bytes + CLUSTER - 1) >>> CLUSTER_BITS;
    }

    /** L1 entries of a disk of {@code size} bytes: one per L2 table's reach (512 MiB), at least one. */
    static int l1Entries(long size) {
        return (int) Math.max(1, (clusters(size) + L2_ENTRIES - 1) / L2_ENTRIES);
    }

    /**
     * The refcount blocks and refcount-table clusters of a file of {@code others} other clusters: they count every
     * cluster, their own too, so their number is found by iterating to a fixed point. Returns {blocks, table}.
     */
    static long[] refcountClusters(long others) {
        long blocks = 0;
        long table = 0;
        long total;
        do {
            total = others + blocks + table;
            blocks = (total + REFCOUNTS_PER_BLOCK - 1) / REFCOUNTS_PER_BLOCK;
            table = clusters(blocks * 8);
        } while (others + blocks + table != total);
        return new long[] {blocks, table};
    }
}
