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
        return (b == null ? ByteBuffer.allocateDirect(size) : b).clear();
    }

    public void give(ByteBuffer b) {
        free.add(b);
    }
}
