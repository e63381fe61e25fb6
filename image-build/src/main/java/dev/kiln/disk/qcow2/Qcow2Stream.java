package dev.kiln.disk.qcow2;

import dev.kiln.api.DiskSource;
import dev.kiln.api.Extent;
import dev.kiln.core.Sizes;
import dev.kiln.disk.BlockScanner;
import dev.kiln.disk.Compression;
import dev.kiln.disk.compress.BufferPool;
import dev.kiln.disk.compress.OrderedPipeline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;
import java.util.List;

/**
 * Writes qcow2 v3 front to back, for a stream that cannot seek (an HTTP body): the layout is planned from the
 * disk's {@link DiskSource#extents() extents} alone before the first byte, so {@link #length()} is exact. Cluster 0
 * is the header, then the L1 table, the refcount table and its blocks, the L2 tables, and the data clusters in guest
 * order. Every 64 KiB cluster that touches an extent is a data cluster: the data is not read to plan, so a zero
 * cluster inside an extent is stored as data (the file stays valid and reads the same as the disk; only the
 * seeking {@link Qcow2Writer} leaves such clusters out). Every cluster of the file is referenced once, so the
 * refcounts are all one. Memory: the extent list, one int per 512 MiB of guest space with data (the L2 tables'
 * slots), one 64 KiB table buffer and a few read buffers; tables are generated cluster by cluster.
 */
public final class Qcow2Stream {

    private static final int BATCH = 2 << 20;
    private static final ByteBuffer ZERO = ByteBuffer.allocateDirect(Qcow2.CLUSTER).asReadOnlyBuffer();

    private final DiskSource source;
    private final long size;
    private final List<Extent> ranges;
    /** The L1 slots that have an L2 table, in order; the k-th table is the k-th L2 cluster of the file. */
    private final int[] l2Slots;
    private final int l1Size;
    private final long l1Clusters;
    private final long tableClusters;
    private final long blocks;
    private final long total;
    private int threads = 1;

    public Qcow2Stream(DiskSource source) throws IOException {
        this.source = source;
        this.size = Sizes.roundUp(source.size(), 512);
        long end = Sizes.roundUp(size, Qcow2.CLUSTER);
        this.ranges = BlockScanner.alignedRanges(source.extents(), Qcow2.CLUSTER).stream()
                .filter(r -> r.offset() < end)
                .map(r -> new Extent(r.offset(), Math.min(r.end(), end) - r.offset())).toList();
        this.l1Size = Qcow2.l1Entries(size);
        this.l2Slots = slots(ranges);
        long dataClusters = ranges.stream().mapToLong(r -> r.length() >>> Qcow2.CLUSTER_BITS).sum();
        this.l1Clusters = Qcow2.clusters(l1Size * 8L);
        long fixed = 1 + l1Clusters + l2Slots.length + dataClusters;
        long[] refcounts = Qcow2.refcountClusters(fixed);
        this.blocks = refcounts[0];
        this.tableClusters = refcounts[1];
        this.total = fixed + blocks + tableClusters;
    }

    /** Reads up to {@code n} batches ahead on other threads when the source allows concurrent reads. */
    public Qcow2Stream readAhead(int n) {
        this.threads = Math.max(1, n);
        return this;
    }

    /** The exact number of bytes {@link #write} writes. */
    public long length() {
        return total * Qcow2.CLUSTER;
    }

    private static int[] slots(List<Extent> ranges) {
        int[] out = new int[16];
        int n = 0;
        for (Extent r : ranges) {
            long first = (r.offset() >>> Qcow2.CLUSTER_BITS) / Qcow2.L2_ENTRIES;
            long last = ((r.end() >>> Qcow2.CLUSTER_BITS) - 1) / Qcow2.L2_ENTRIES;
            for (long s = n > 0 && out[n - 1] >= first ? out[n - 1] + 1 : first; s <= last; s++) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, n * 2);
                }
                out[n++] = (int) s;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** Writes the whole image to {@code out}; returns {@link #length()}. */
    public long write(WritableByteChannel out) throws IOException {
        long l1Offset = Qcow2.CLUSTER;
        long tableOffset = l1Offset + l1Clusters * Qcow2.CLUSTER;
        long blocksOffset = tableOffset + tableClusters * Qcow2.CLUSTER;
        long l2Offset = blocksOffset + blocks * Qcow2.CLUSTER;
        long dataOffset = l2Offset + (long) l2Slots.length * Qcow2.CLUSTER;
        ByteBuffer cluster = ByteBuffer.allocateDirect(Qcow2.CLUSTER);

        fresh(cluster).put(Qcow2Writer.header(size, l1Size, l1Offset, tableOffset, (int) tableClusters,
                Compression.NONE));
        emit(out, cluster.clear());

        int slot = 0;
        for (long c = 0; c < l1Clusters; c++) {
            fresh(cluster);
            long firstEntry = c * Qcow2.L2_ENTRIES;
            while (slot < l2Slots.length && l2Slots[slot] < firstEntry + Qcow2.L2_ENTRIES) {
                cluster.putLong((int) (l2Slots[slot] - firstEntry) * 8,
                        (l2Offset + (long) slot * Qcow2.CLUSTER) | Qcow2.COPIED);
                slot++;
            }
            emit(out, cluster);
        }

        for (long c = 0; c < tableClusters; c++) {
            cluster.clear();
            for (int i = 0; i < Qcow2.L2_ENTRIES; i++) {
                long block = c * Qcow2.L2_ENTRIES + i;
                cluster.putLong(block < blocks ? blocksOffset + block * Qcow2.CLUSTER : 0);
            }
            emit(out, cluster.flip());
        }

        for (long b = 0; b < blocks; b++) {
            cluster.clear();
            for (int i = 0; i < Qcow2.REFCOUNTS_PER_BLOCK; i++) {
                cluster.putShort((short) (b * Qcow2.REFCOUNTS_PER_BLOCK + i < total ? 1 : 0));
            }
            emit(out, cluster.flip());
        }

        writeL2(out, cluster, dataOffset);
        long written = dataOffset + writeData(out);
        if (written != length()) {
            throw new IllegalStateException("qcow2 stream wrote " + written + " bytes, planned " + length());
        }
        return written;
    }

    /** The L2 tables: data cluster n (in guest order) lives at {@code dataOffset + n * 64 KiB}. */
    private void writeL2(WritableByteChannel out, ByteBuffer cluster, long dataOffset) throws IOException {
        int r = 0;
        long before = 0;
        for (int slot : l2Slots) {
            fresh(cluster);
            long first = (long) slot * Qcow2.L2_ENTRIES;
            long last = first + Qcow2.L2_ENTRIES;
            while (r < ranges.size()) {
                Extent range = ranges.get(r);
                long start = range.offset() >>> Qcow2.CLUSTER_BITS;
                long end = range.end() >>> Qcow2.CLUSTER_BITS;
                if (start >= last) {
                    break;
                }
                for (long g = Math.max(start, first); g < Math.min(end, last); g++) {
                    long host = dataOffset + (before + g - start) * Qcow2.CLUSTER;
                    cluster.putLong((int) (g - first) * 8, host | Qcow2.COPIED);
                }
                if (end > last) {
                    break;
                }
                before += end - start;
                r++;
            }
            emit(out, cluster);
        }
    }

    /** The data clusters, read in runs of up to {@value #BATCH} bytes, each once. */
    private long writeData(WritableByteChannel out) throws IOException {
        long[] written = {0};
        if (threads > 1 && source.concurrentReads()) {
            BufferPool pool = new BufferPool(BATCH);
            try (OrderedPipeline<ByteBuffer> pipeline = new OrderedPipeline<>(threads, threads * 2, buf -> {
                written[0] += buf.remaining();
                emit(out, buf);
                pool.give(buf);
            })) {
                for (Extent range : ranges) {
                    for (long pos = range.offset(); pos < range.end(); pos += BATCH) {
                        long at = pos;
                        int len = (int) Math.min(BATCH, range.end() - pos);
                        pipeline.submit(() -> read(pool.take(), at, len));
                    }
                }
                pipeline.finish();
            }
            return written[0];
        }
        ByteBuffer buf = BufferPool.aligned(BATCH);
        for (Extent range : ranges) {
            for (long pos = range.offset(); pos < range.end(); pos += BATCH) {
                int len = (int) Math.min(BATCH, range.end() - pos);
                read(buf, pos, len);
                written[0] += len;
                emit(out, buf);
            }
        }
        return written[0];
    }

    private ByteBuffer read(ByteBuffer buf, long pos, int len) throws IOException {
        buf.clear().limit(len);
        source.read(pos, buf);
        return buf.flip();
    }

    /** The table buffer zeroed, position 0, limit 64 KiB. */
    private static ByteBuffer fresh(ByteBuffer cluster) {
        return cluster.clear().put(ZERO.duplicate()).clear();
    }

    private static void emit(WritableByteChannel out, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            out.write(buf);
        }
    }
}
