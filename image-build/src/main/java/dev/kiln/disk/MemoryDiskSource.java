package dev.kiln.disk;

import dev.kiln.api.DiskSource;
import dev.kiln.api.Extent;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A disk laid out in memory: pieces of bytes at offsets, zero everywhere else. Layout code builds one
 * (partition table, a filesystem image held as a file slice is better served by its own source) and
 * hands it to {@link DiskImages#write}.
 */
public final class MemoryDiskSource implements DiskSource {

    private final long size;
    private final TreeMap<Long, byte[]> pieces = new TreeMap<>();

    public MemoryDiskSource(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
        this.size = size;
    }

    /** Places {@code bytes} at {@code offset}; pieces may not overlap or pass the end. */
    public synchronized MemoryDiskSource put(long offset, byte[] bytes) {
        if (offset < 0 || offset + bytes.length > size) {
            throw new IllegalArgumentException("piece " + offset + "+" + bytes.length + " is outside the disk of " + size);
        }
        Map.Entry<Long, byte[]> below = pieces.floorEntry(offset + bytes.length - 1);
        if (below != null && below.getKey() + below.getValue().length > offset && bytes.length > 0) {
            throw new IllegalArgumentException("piece at " + offset + " overlaps the one at " + below.getKey());
        }
        pieces.put(offset, bytes.clone());
        return this;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public synchronized List<Extent> extents() {
        List<Extent> out = new ArrayList<>();
        for (Map.Entry<Long, byte[]> e : pieces.entrySet()) {
            if (e.getValue().length > 0) {
                out.add(new Extent(e.getKey(), e.getValue().length));
            }
        }
        return out;
    }

    @Override
    public synchronized void read(long offset, ByteBuffer dst) {
        int start = dst.position();
        int len = dst.remaining();
        long end = offset + len;
        while (dst.hasRemaining()) {
            dst.put((byte) 0);
        }
        Long from = pieces.floorKey(offset);
        for (Map.Entry<Long, byte[]> e : pieces.tailMap(from == null ? offset : from).entrySet()) {
            long pStart = e.getKey();
            if (pStart >= end) {
                break;
            }
            long lo = Math.max(pStart, offset);
            long hi = Math.min(pStart + e.getValue().length, end);
            if (lo < hi) {
                dst.put(start + (int) (lo - offset), e.getValue(), (int) (lo - pStart), (int) (hi - lo));
            }
        }
    }

    @Override
    public void close() {
    }
}
