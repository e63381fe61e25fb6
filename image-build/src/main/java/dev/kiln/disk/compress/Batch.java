package dev.kiln.disk.compress;

import java.nio.ByteBuffer;

/**
 * Up to {@link #capacity()} whole blocks (grains, clusters) copied out of a scan, with their disk
 * offsets, so a worker can compress them while the scan reads on.
 */
public final class Batch {

    private final int blockSize;
    private final long[] offsets;
    private final ByteBuffer data;
    private int count;

    public Batch(int blockSize, int capacity, ByteBuffer data) {
        this.blockSize = blockSize;
        this.offsets = new long[capacity];
        this.data = data;
    }

    /** Copies {@code block} (exactly one block) in; returns true when the batch is now full. */
    public boolean add(long offset, ByteBuffer block) {
        data.put(count * blockSize, block, block.position(), blockSize);
        offsets[count++] = offset;
        return count == offsets.length;
    }

    public int count() {
        return count;
    }

    public int capacity() {
        return offsets.length;
    }

    public long offset(int i) {
        return offsets[i];
    }

    /** Block {@code i} as its own buffer (position 0, limit = block size). */
    public ByteBuffer block(int i) {
        return data.slice(i * blockSize, blockSize);
    }

    public ByteBuffer buffer() {
        return data;
    }
}
