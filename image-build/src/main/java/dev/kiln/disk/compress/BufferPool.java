package dev.kiln.disk.compress;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Recycled direct buffers of one size. Direct memory is freed only by GC, so allocating per batch
 * would let a conversion's native footprint grow far past its working set; recycling keeps it at
 * (pipeline depth x buffer size).
 */
public final class BufferPool {

    private final int size;
    private final ConcurrentLinkedQueue<ByteBuffer> free = new ConcurrentLinkedQueue<>();

    public BufferPool(int size) {
        this.size = size;
    }

    public ByteBuffer take() {
        ByteBuffer b = free.poll();
        return (b == null ? aligned(size) : b).clear();
    }

    /**
     * A direct buffer starting on a page boundary. The kernel copies page-cache pages into and out of
     * it with {@code rep movsb}, which on current x86 cores runs at a fraction of its speed when source
     * and destination are misaligned; malloc'd direct buffers are only 16-byte aligned.
     */
    public static ByteBuffer aligned(int size) {
        int pages = (size + 4095) / 4096;
        return ByteBuffer.allocateDirect((pages + 1) * 4096).alignedSlice(4096).limit(size).slice();
    }

    public void give(ByteBuffer b) {
        free.add(b);
    }
}
