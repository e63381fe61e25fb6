package dev.kiln.disk;

import dev.kiln.api.DiskSource;
import dev.kiln.api.Extent;

import dev.kiln.disk.compress.BufferPool;
import dev.kiln.disk.compress.OrderedPipeline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Walks the non-zero fixed-size blocks of a {@link DiskSource}, reading only its data extents and
 * proving zero blocks at memory speed, so the cost follows the data, not the virtual size. Writers use
 * it with their cluster or grain size, uploaders with the cloud's block size (EBS: 512 KiB).
 */
public final class BlockScanner {

    /** Receives one non-zero block; {@code data} (position 0, limit = block size) is valid during the call only. */
    @FunctionalInterface
    public interface BlockVisitor {
        void block(long offset, ByteBuffer data) throws IOException;
    }

    /** Receives a run of consecutive non-zero blocks; {@code data} is valid during the call only. */
    @FunctionalInterface
    public interface RunVisitor {
        void run(long offset, ByteBuffer data) throws IOException;
    }

    private static final int BATCH = 2 << 20;

    private final DiskSource source;
    private final int blockSize;
    private LongConsumer progress = done -> { };
    private int threads = 1;

    public BlockScanner(DiskSource source, int blockSize) {
        if (blockSize < 512 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size must be a power of two >= 512, not " + blockSize);
        }
        this.source = source;
        this.blockSize = blockSize;
    }

    /** Called after each read batch with the bytes scanned so far (of {@link #scanBytes()}). */
    public BlockScanner onProgress(LongConsumer scanned) {
        this.progress = scanned;
        return this;
    }

    /**
     * Reads and scans batches on up to {@code n} threads ahead of the visitor, which still sees runs in
     * order on the calling thread. Used only when the source allows concurrent reads.
     */
    public BlockScanner readAhead(int n) {
        this.threads = Math.max(1, n);
        return this;
    }

    /** How many bytes a scan reads: the data extents widened to whole blocks. */
    public long scanBytes() throws IOException {
        return alignedRanges(source.extents(), blockSize).stream().mapToLong(Extent::length).sum();
    }

    /**
     * Visits each block that holds a non-zero byte, in offset order. A last block that runs past the end
     * of the disk is padded with zeros to the full block size.
     */
    public void blocks(BlockVisitor visitor) throws IOException {
        runs((offset, data) -> {
            for (int at = 0; at < data.limit(); at += blockSize) {
                visitor.block(offset + at, data.slice(at, blockSize));
            }
        });
    }

    /** Visits maximal runs of non-zero blocks (at most a few MiB each), in offset order. */
    public void runs(RunVisitor visitor) throws IOException {
        int batch = Math.max(blockSize, BATCH / blockSize * blockSize);
        if (threads > 1 && source.concurrentReads()) {
            runsAhead(visitor, batch);
            return;
        }
        ByteBuffer buf = BufferPool.aligned(batch);
        long scanned = 0;
        for (Extent range : alignedRanges(source.extents(), blockSize)) {
            for (long pos = range.offset(); pos < range.end(); pos += batch) {
                int len = (int) Math.min(batch, range.end() - pos);
                buf.clear().limit(len);
                source.read(pos, buf);
                emitRuns(pos, buf, len, visitor);
                scanned += len;
                progress.accept(scanned);
            }
        }
    }

    /** A batch read and scanned by a worker: which blocks are zero. */
    private record Scanned(long pos, ByteBuffer buf, int len, boolean[] zero) {
    }

    private void runsAhead(RunVisitor visitor, int batch) throws IOException {
        BufferPool pool = new BufferPool(batch);
        long[] scanned = {0};
        try (OrderedPipeline<Scanned> pipeline = new OrderedPipeline<>(threads, threads * 2, s -> {
            emitRuns(s.pos(), s.buf(), s.len(), s.zero(), visitor);
            pool.give(s.buf());
            scanned[0] += s.len();
            progress.accept(scanned[0]);
        })) {
            for (Extent range : alignedRanges(source.extents(), blockSize)) {
                for (long pos = range.offset(); pos < range.end(); pos += batch) {
                    long at = pos;
                    int len = (int) Math.min(batch, range.end() - pos);
                    pipeline.submit(() -> scan(pool.take(), at, len));
                }
            }
            pipeline.finish();
        }
    }

    private Scanned scan(ByteBuffer buf, long pos, int len) throws IOException {
        buf.clear().limit(len);
        source.read(pos, buf);
        boolean[] zero = new boolean[len / blockSize];
        for (int i = 0; i < zero.length; i++) {
            zero[i] = Zeros.isZero(buf, i * blockSize, blockSize);
        }
        return new Scanned(pos, buf, len, zero);
    }

    private void emitRuns(long pos, ByteBuffer buf, int len, RunVisitor visitor) throws IOException {
        boolean[] zero = new boolean[len / blockSize];
        for (int i = 0; i < zero.length; i++) {
            zero[i] = Zeros.isZero(buf, i * blockSize, blockSize);
        }
        emitRuns(pos, buf, len, zero, visitor);
    }

    private void emitRuns(long pos, ByteBuffer buf, int len, boolean[] zero, RunVisitor visitor) throws IOException {
        int runStart = -1;
        for (int i = 0; i < zero.length; i++) {
            int at = i * blockSize;
            if (!zero[i] && runStart < 0) {
                runStart = at;
            } else if (zero[i] && runStart >= 0) {
                visitor.run(pos + runStart, buf.slice(runStart, at - runStart));
                runStart = -1;
            }
        }
        if (runStart >= 0) {
            visitor.run(pos + runStart, buf.slice(runStart, len - runStart));
        }
    }

    /** The extents widened to whole blocks and merged where they touch. */
    public static List<Extent> alignedRanges(List<Extent> extents, int blockSize) {
        List<Extent> out = new ArrayList<>();
        long curStart = -1;
        long curEnd = -1;
        for (Extent e : extents) {
            if (e.length() == 0) {
                continue;
            }
            long start = e.offset() / blockSize * blockSize;
            long end = (e.end() + blockSize - 1) / blockSize * blockSize;
            if (curStart >= 0 && start <= curEnd) {
                curEnd = Math.max(curEnd, end);
                continue;
            }
            if (curStart >= 0) {
                out.add(new Extent(curStart, curEnd - curStart));
            }
            curStart = start;
            curEnd = end;
        }
        if (curStart >= 0) {
            out.add(new Extent(curStart, curEnd - curStart));
        }
        return out;
    }
}
