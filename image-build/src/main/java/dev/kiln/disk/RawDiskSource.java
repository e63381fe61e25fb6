package dev.kiln.disk;

import dev.kiln.api.DiskSource;
import dev.kiln.api.Extent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A raw disk image file. Its extents come from {@code lseek(SEEK_DATA/SEEK_HOLE)}, so a 64 GiB empty
 * file costs a few syscalls; where the system cannot answer, the file is scanned for zeros instead.
 */
public final class RawDiskSource implements DiskSource {

    private final Path path;
    private final FileChannel channel;
    private final long size;
    private final boolean seek;
    private List<Extent> extents;

    public RawDiskSource(Path path) throws IOException {
        this(path, -1, true);
    }

    /** The first {@code size} bytes of {@code path} as a disk (a fixed VHD without its footer). */
    public RawDiskSource(Path path, long size) throws IOException {
        this(path, size, true);
    }

    /** With {@code seek} false the read-and-scan fallback is used even where lseek works. */
    RawDiskSource(Path path, long size, boolean seek) throws IOException {
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.size = size < 0 ? channel.size() : size;
        this.seek = seek;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public synchronized List<Extent> extents() throws IOException {
        if (extents == null) {
            extents = List.copyOf(seek ? FileHoles.extents(path, channel, size) : FileHoles.scan(channel, size));
        }
        return extents;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        long pos = offset;
        while (dst.hasRemaining()) {
            int n = pos >= size ? -1 : channel.read(dst, pos);
            if (n < 0) {
                while (dst.hasRemaining()) {
                    dst.put((byte) 0);
                }
                return;
            }
            pos += n;
        }
    }

    @Override
    public boolean concurrentReads() {
        return true;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
