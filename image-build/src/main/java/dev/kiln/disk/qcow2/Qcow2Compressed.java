package dev.kiln.disk.qcow2;

import dev.kiln.core.Sizes;
import com.github.luben.zstd.Zstd;
import dev.kiln.disk.BlockScanner;
import dev.kiln.disk.Channels;
import dev.kiln.disk.Compression;
import dev.kiln.disk.WriteOptions;
import dev.kiln.disk.compress.Batch;
import dev.kiln.disk.compress.BlockCompressor;
import dev.kiln.disk.compress.BufferPool;
import dev.kiln.disk.compress.CompressorPool;
import dev.kiln.disk.compress.OrderedPipeline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The data area of a compressed qcow2: clusters compressed in parallel (raw deflate for zlib, a zstd
 * frame for zstd, as qemu's qcow2-threads.c), packed back to back at byte offsets; a cluster that does
 * not shrink is stored plain at the next cluster boundary.
 */
final class Qcow2Compressed {

    private static final int PER_BATCH = 16;
    private static final int ZSTD_LEVEL = 3;

    private final FileChannel out;
    private final Qcow2Tables tables;
    private final WriteOptions options;
    private final BufferPool inputs = new BufferPool(PER_BATCH * Qcow2.CLUSTER);
    private final BufferPool outputs = new BufferPool(PER_BATCH * BlockCompressor.bound(Qcow2.CLUSTER));
    private long cursor = Qcow2.CLUSTER;

    Qcow2Compressed(FileChannel out, Qcow2Tables tables, WriteOptions options) {
        this.out = out;
        this.tables = tables;
        this.options = options;
    }

    /** One compressed batch: lengths per cluster, -1 where the cluster is stored plain. */
    private record Done(Batch batch, ByteBuffer packed, int[] lengths) {
    }

    long write(BlockScanner scanner) throws IOException {
        try (CompressorPool compressors = new CompressorPool(options.level(), BlockCompressor.Framing.RAW);
             OrderedPipeline<Done> pipeline = new OrderedPipeline<>(options.threads(), options.threads() * 3,
                     this::place)) {
            Batch[] current = {newBatch()};
            scanner.blocks((offset, block) -> {
                if (current[0].add(offset, block)) {
                    submit(pipeline, compressors, current[0]);
                    current[0] = newBatch();
                }
            });
            if (current[0].count() > 0) {
                submit(pipeline, compressors, current[0]);
            }
            pipeline.finish();
        }
        return cursor;
    }

    private Batch newBatch() {
        return new Batch(Qcow2.CLUSTER, PER_BATCH, inputs.take());
    }

    private void submit(OrderedPipeline<Done> pipeline, CompressorPool compressors, Batch batch) throws IOException {
        pipeline.submit(() -> compress(compressors, batch));
    }

    private Done compress(CompressorPool compressors, Batch batch) {
        ByteBuffer packed = outputs.take();
        int[] lengths = new int[batch.count()];
        BlockCompressor deflate = options.compression() == Compression.ZLIB ? compressors.take() : null;
        try {
            for (int i = 0; i < batch.count(); i++) {
                int start = packed.position();
                int n = deflate != null ? deflate.compress(batch.block(i), packed) : zstd(batch.block(i), packed);
                lengths[i] = n > Qcow2.CLUSTER - 512 ? -1 : n;
                if (lengths[i] < 0) {
                    packed.position(start);
                }
            }
        } finally {
            if (deflate != null) {
                compressors.give(deflate);
            }
        }
        return new Done(batch, packed.flip(), lengths);
    }

    private static int zstd(ByteBuffer in, ByteBuffer out) {
        long n = Zstd.compressDirectByteBuffer(out, out.position(), out.remaining(), in, in.position(),
                in.remaining(), ZSTD_LEVEL);
        if (Zstd.isError(n)) {
            throw new IllegalStateException("zstd: " + Zstd.getErrorName(n));
        }
        out.position(out.position() + (int) n);
        return (int) n;
    }

    private void place(Done done) throws IOException {
        ByteBuffer packed = done.packed();
        for (int i = 0; i < done.lengths().length; i++) {
            long guest = done.batch().offset(i);
            int n = done.lengths()[i];
            if (n < 0) {
                cursor = Sizes.roundUp(cursor, Qcow2.CLUSTER);
                Channels.writeFully(out, done.batch().block(i), cursor);
                tables.mapPlain(guest, cursor);
                cursor += Qcow2.CLUSTER;
            } else {
                ByteBuffer piece = packed.slice(packed.position(), n);
                packed.position(packed.position() + n);
                Channels.writeFully(out, piece, cursor);
                tables.mapCompressed(guest, cursor, n);
                cursor += n;
            }
        }
        inputs.give(done.batch().buffer());
        outputs.give(packed);
    }
}
