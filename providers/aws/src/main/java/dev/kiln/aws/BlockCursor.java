package dev.kiln.aws;

import dev.kiln.api.Extent;

import java.util.List;

/**
 * Hands out, in ascending order and each once, the indices of the fixed-size blocks that overlap
 * a disk's data extents. Blocks outside every extent read as zero and are never visited, so the
 * cost of a scan follows the data, not the virtual size. Safe for several workers.
 */
final class BlockCursor {

    private final List<Extent> extents;
    private final long blockSize;
    private int extent;
    private long next;

    BlockCursor(List<Extent> extents, long blockSize) {
        this.extents = List.copyOf(extents);
        this.blockSize = blockSize;
    }

    /** The next block index, or -1 when every extent has been covered. */
    synchronized long next() {
        while (extent < extents.size()) {
            Extent x = extents.get(extent);
            long first = Math.max(next, x.offset() / blockSize);
            long end = (x.end() + blockSize - 1) / blockSize;
            if (first < end) {
                next = first + 1;
                return first;
            }
            extent++;
        }
        return -1;
    }

    /** How many blocks {@link #next()} will hand out in all, for progress. */
    static long count(List<Extent> extents, long blockSize) {
        long total = 0;
        long covered = 0;
        for (Extent x : extents) {
            long first = Math.max(covered, x.offset() / blockSize);
            long end = (x.end() + blockSize - 1) / blockSize;
            if (first < end) {
                total += end - first;
                covered = end;
            }
        }
        return total;
    }
}
