package dev.kiln.disk;

import dev.kiln.api.DiskSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.function.LongConsumer;

/** A sparse raw copy: only non-zero 4 KiB blocks are written, the rest stays a hole. */
public final class RawWriter {

    /** Zero detection granularity: the page and filesystem block size, as qemu-img's default {@code -S 4k}. */
    public static final int BLOCK = 4096;

    private RawWriter() {
    }

    /** Copies the data of {@code source} into {@code out} at the same offsets and makes the file {@code size} long. */
    public static void write(DiskSource source, FileChannel out, long size, int threads, LongConsumer scanned)
            throws IOException {
        new BlockScanner(source, BLOCK).onProgress(scanned).readAhead(threads).runs((offset, data) -> {
            int len = (int) Math.min(data.remaining(), size - offset);
            if (len > 0) {
                Channels.writeFully(out, data.limit(len), offset);
            }
        });
        out.truncate(size);
        extend(out, size);
    }

    /** Makes the file {@code size} long without writing data: the rest is a hole. */
    public static void extend(FileChannel out, long size) throws IOException {
        if (out.size() < size) {
            // one zero byte at the last position sets the length; everything before it stays unallocated
            Channels.writeFully(out, ByteBuffer.allocate(1), size - 1);
        }
    }
}
