package dev.kiln.disk.qcow2;

import dev.kiln.core.Sizes;
import dev.kiln.api.Events;
import dev.kiln.disk.BlockScanner;
import dev.kiln.disk.Channels;
import dev.kiln.disk.Compression;
import dev.kiln.api.DiskSource;
import dev.kiln.disk.WriteOptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.function.LongConsumer;

/**
 * Writes qcow2 v3 from a {@link DiskSource} in one pass: a header cluster, the non-zero clusters in
 * disk order, then L2 tables, the L1 table and the refcount structures, and finally the header. Zero
 * clusters are never stored (unallocated clusters read as zero without a backing file), so the cost and
 * the file follow the data. Memory: one long per 64 KiB of data (the L2 tables) plus read buffers.
 */
public final class Qcow2Writer {

    private final DiskSource source;
    private final FileChannel out;
    private final WriteOptions options;
    private final Qcow2Tables tables;

    public Qcow2Writer(DiskSource source, FileChannel out, WriteOptions options) {
        this.source = source;
        this.out = out;
        this.options = options;
        this.tables = new Qcow2Tables(Sizes.roundUp(source.size(), 512));
    }

    /** Writes the whole image; {@code scanned} hears bytes scanned so far. */
    public void write(Events events, LongConsumer scanned) throws IOException {
        BlockScanner scanner = new BlockScanner(source, Qcow2.CLUSTER).onProgress(scanned).readAhead(options.threads());
        long dataEnd;
        if (options.compression() == Compression.NONE) {
            dataEnd = writePlain(scanner);
        } else {
            dataEnd = new Qcow2Compressed(out, tables, options).write(scanner);
        }
        long end = tables.writeMetadata(out, Sizes.roundUp(dataEnd, Qcow2.CLUSTER), options.compression());
        out.truncate(end);
        events.debug("qcow2: " + tables.dataClusters() + " data clusters, " + end + " bytes");
    }

    private long writePlain(BlockScanner scanner) throws IOException {
        long[] cursor = {Qcow2.CLUSTER};
        scanner.runs((offset, data) -> {
            int n = data.remaining() / Qcow2.CLUSTER;
            Channels.writeFully(out, data, cursor[0]);
            for (int i = 0; i < n; i++) {
                tables.mapPlain(offset + (long) i * Qcow2.CLUSTER, cursor[0]);
                cursor[0] += Qcow2.CLUSTER;
            }
        });
        return cursor[0];
    }


    /** The bytes of the header cluster's first 120 bytes: header v3, compression type, end of extensions. */
    static ByteBuffer header(long size, int l1Size, long l1Offset, long refTableOffset, int refTableClusters,
                             Compression compression) {
        ByteBuffer h = ByteBuffer.allocate(Qcow2.HEADER_LENGTH + 8);
        h.putInt(Qcow2.MAGIC).putInt(3).putLong(0).putInt(0).putInt(Qcow2.CLUSTER_BITS).putLong(size);
        h.putInt(0).putInt(l1Size).putLong(l1Offset).putLong(refTableOffset).putInt(refTableClusters);
        h.putInt(0).putLong(0);
        h.putLong(compression == Compression.ZSTD ? Qcow2.INCOMPAT_COMPRESSION_TYPE : 0).putLong(0).putLong(0);
        h.putInt(Qcow2.REFCOUNT_ORDER).putInt(Qcow2.HEADER_LENGTH);
        h.put((byte) (compression == Compression.ZSTD ? 1 : 0));
        h.position(Qcow2.HEADER_LENGTH).putInt(0).putInt(0);
        return h.flip();
    }
}
