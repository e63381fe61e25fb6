package dev.kiln.disk.qcow2;

import dev.kiln.disk.Channels;
import dev.kiln.disk.Compression;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The L2 tables and refcounts of an image being written, and their placement after the data:
 * L2 tables, L1 table, refcount table, refcount blocks ({@link Qcow2#refcountClusters}).
 */
final class Qcow2Tables {

    private final long size;
    private final TreeMap<Integer, long[]> l2 = new TreeMap<>();
    /** Refcounts of the data area by host cluster; the header cluster is 0. */
    private int[] counts = new int[1024];
    private long dataClusters;

    Qcow2Tables(long size) {
        this.size = size;
        counts[0] = 1;
    }

    long dataClusters() {
        return dataClusters;
    }

    void mapPlain(long guestOffset, long hostOffset) {
        entry(guestOffset, hostOffset | Qcow2.COPIED);
        addRef(hostOffset >>> Qcow2.CLUSTER_BITS);
    }

    /** A compressed cluster at {@code hostOffset}, {@code length} bytes, as qcow2.txt "Compressed Clusters Descriptor". */
    void mapCompressed(long guestOffset, long hostOffset, int length) {
        long extraSectors = ((hostOffset + length - 1) >> 9) - (hostOffset >> 9);
        entry(guestOffset, Qcow2.COMPRESSED | (extraSectors << Qcow2.CSIZE_SHIFT) | hostOffset);
        long first = (hostOffset & ~511L) >>> Qcow2.CLUSTER_BITS;
        long last = ((hostOffset & ~511L) + (extraSectors + 1) * 512 - 1) >>> Qcow2.CLUSTER_BITS;
        for (long c = first; c <= last; c++) {
            addRef(c);
        }
    }

    private void entry(long guestOffset, long value) {
        long cluster = guestOffset >>> Qcow2.CLUSTER_BITS;
        long[] table = l2.computeIfAbsent((int) (cluster / Qcow2.L2_ENTRIES), k -> new long[Qcow2.L2_ENTRIES]);
        table[(int) (cluster % Qcow2.L2_ENTRIES)] = value;
        dataClusters++;
    }

    private void addRef(long cluster) {
        if (cluster >= counts.length) {
            counts = Arrays.copyOf(counts, (int) Math.max(cluster + 1, counts.length * 2L));
        }
        counts[(int) cluster]++;
    }

    /** Writes L2, L1, refcounts and the header after {@code dataEnd} (cluster aligned); returns the file size. */
    long writeMetadata(FileChannel out, long dataEnd, Compression compression) throws IOException {
        long first = dataEnd >>> Qcow2.CLUSTER_BITS;
        int l1Size = Qcow2.l1Entries(size);
        long l1Clusters = Qcow2.clusters(l1Size * 8L);
        long fixed = first + l2.size() + l1Clusters;
        long[] refcounts = Qcow2.refcountClusters(fixed);
        long blocks = refcounts[0];
        long tableClusters = refcounts[1];
        long total = fixed + blocks + tableClusters;
        long l1Offset = writeL2AndL1(out, dataEnd, l1Size);
        long tableOffset = l1Offset + l1Clusters * Qcow2.CLUSTER;
        writeRefcounts(out, tableOffset, tableClusters, blocks, first, total);
        ByteBuffer header = Qcow2Writer.header(size, l1Size, l1Offset, tableOffset, (int) tableClusters, compression);
        Channels.writeFully(out, header, 0);
        return total * Qcow2.CLUSTER;
    }

    private long writeL2AndL1(FileChannel out, long at, int l1Size) throws IOException {
        ByteBuffer l1 = ByteBuffer.allocate((int) (Qcow2.clusters(l1Size * 8L) * Qcow2.CLUSTER));
        ByteBuffer table = ByteBuffer.allocateDirect(Qcow2.CLUSTER);
        long pos = at;
        for (Map.Entry<Integer, long[]> e : l2.entrySet()) {
            table.clear();
            table.asLongBuffer().put(e.getValue());
            Channels.writeFully(out, table, pos);
            l1.putLong(e.getKey() * 8, pos | Qcow2.COPIED);
            pos += Qcow2.CLUSTER;
        }
        Channels.writeFully(out, l1, pos);
        return pos;
    }

    private void writeRefcounts(FileChannel out, long tableOffset, long tableClusters, long blocks, long dataEnd,
                                long total) throws IOException {
        long blocksOffset = tableOffset + tableClusters * Qcow2.CLUSTER;
        ByteBuffer table = ByteBuffer.allocate((int) (tableClusters * Qcow2.CLUSTER));
        ByteBuffer block = ByteBuffer.allocateDirect(Qcow2.CLUSTER);
        for (long b = 0; b < blocks; b++) {
            table.putLong((int) (b * 8), blocksOffset + b * Qcow2.CLUSTER);
            block.clear();
            for (int i = 0; i < Qcow2.REFCOUNTS_PER_BLOCK; i++) {
                long cluster = b * Qcow2.REFCOUNTS_PER_BLOCK + i;
                int count = cluster >= total ? 0 : cluster >= dataEnd ? 1 : cluster < counts.length ? counts[(int) cluster] : 0;
                block.putShort((short) count);
            }
            Channels.writeFully(out, block.flip(), blocksOffset + b * Qcow2.CLUSTER);
        }
        Channels.writeFully(out, table, tableOffset);
    }
}
