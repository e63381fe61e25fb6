package dev.kiln.disk;

import dev.kiln.api.DiskSource;
import dev.kiln.api.Extent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/** A disk that counts what is read through it: how a test bounds what a writer or a digest reads. */
public final class CountingSource implements DiskSource {
    private final DiskSource disk;
    private final boolean concurrent;
    private long bytesRead;
    private long largestRead;

    /** Counts reads of {@code disk}, allowing concurrent reads when it does. */
    public CountingSource(DiskSource disk) {
        this(disk, disk.concurrentReads());
    }

    public CountingSource(DiskSource disk, boolean concurrent) {
        this.disk = disk;
        this.concurrent = concurrent;
    }

    public synchronized long bytesRead() {
        return bytesRead;
    }

    public synchronized long largestRead() {
        return largestRead;
    }

    @Override
    public long size() {
        return disk.size();
    }

    @Override
    public List<Extent> extents() throws IOException {
        return disk.extents();
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        synchronized (this) {
            bytesRead += dst.remaining();
            largestRead = Math.max(largestRead, dst.remaining());
        }
        disk.read(offset, dst);
    }

    @Override
    public boolean concurrentReads() {
        return concurrent;
    }

    @Override
    public void close() throws IOException {
        disk.close();
    }
}
