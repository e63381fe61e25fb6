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

    /**
     * This disk seen through {@code data}, a sub-list of its extents known to hold every non-zero byte (e.g. from
     * {@link Conversions#dataExtents}): reads are this disk's; closing the view closes this disk.
     */
    default DiskSource narrowedTo(List<Extent> data) {
        DiskSource disk = this;
        List<Extent> extents = List.copyOf(data);
        return new DiskSource() {
            @Override
            public long size() {
                return disk.size();
            }

            @Override
            public List<Extent> extents() {
                return extents;
            }

            @Override
            public void read(long offset, ByteBuffer dst) throws IOException {
                disk.read(offset, dst);
            }

            @Override
            public boolean concurrentReads() {
                return disk.concurrentReads();
            }

            @Override
            public void close() throws IOException {
                disk.close();
            }
        };
    }
}
