package dev.kiln.api;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A virtual disk seen as raw bytes, whatever holds it (a sparse raw file, qcow2, VHD ...), that
 * knows where its data is, so readers and writers cost what the data costs, not the virtual size.
 */
public interface DiskSource extends Closeable {

    /** Virtual size in bytes. */
    long size();

    /** Sorted, non-overlapping ranges that may hold non-zero bytes. Everything else is zero. */
    List<Extent> extents() throws IOException;

    /** Fills {@code dst} from {@code offset}; bytes past the end or outside extents read as zero. */
    void read(long offset, ByteBuffer dst) throws IOException;

    /**
     * True when {@link #read} may be called from several threads at once (positional file reads are),
     * so scans can read ahead on one core while another writes. False unless a source says so.
     */
    default boolean concurrentReads() {
        return false;
    }
}
