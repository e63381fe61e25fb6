package dev.kiln.disk.compress;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Reusable compressors for a set of workers; all are freed when the pool closes. */
public final class CompressorPool implements AutoCloseable {

    private final int level;
    private final BlockCompressor.Framing framing;
    private final ConcurrentLinkedQueue<BlockCompressor> idle = new ConcurrentLinkedQueue<>();
    private final List<BlockCompressor> all = new ArrayList<>();

    public CompressorPool(int level, BlockCompressor.Framing framing) {
        this.level = level;
        this.framing = framing;
    }

    public BlockCompressor take() {
        BlockCompressor c = idle.poll();
        if (c != null) {
            return c;
        }
        c = BlockCompressor.create(level, framing);
        synchronized (all) {
            all.add(c);
        }
        return c;
    }

    public void give(BlockCompressor c) {
        idle.add(c);
    }

    @Override
    public void close() {
        synchronized (all) {
            all.forEach(BlockCompressor::close);
            all.clear();
        }
        idle.clear();
    }
}
