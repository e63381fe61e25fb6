package dev.kiln.gcp;

import dev.kiln.spi.http.HttpBody;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A request body of bytes {@code [start, end)} of a file, written slice by slice from read-only
 * mappings. A slice is a direct buffer over the page cache, so on a plain connection the bytes go
 * from the page cache to the socket without passing through the Java heap (on TLS ones, into the
 * encryption); the observer sees each slice first (the CRC32C, intrinsic on direct buffers, while
 * the slice is in the CPU cache). The connection's writes block until the kernel or the TLS engine
 * has copied the bytes, so each slice is unmapped as soon as it is written: the resident set stays
 * at one slice whatever the chunk size, and no mapping waits for the collector.
 */
final class FileRangeBody implements HttpBody {

    /** Sees every slice before it is sent, with its offset in the file (for the checksum and progress). */
    interface Observer {
        void read(ByteBuffer bytes, long position);
    }

    private static final int SLICE = 1 << 20;

    private final Path path;
    private final long start;
    private final long end;
    private final Observer observer;

    FileRangeBody(Path path, long start, long end, Observer observer) {
        this.path = path;
        this.start = start;
        this.end = end;
        this.observer = observer;
    }

    @Override
    public long length() {
        return end - start;
    }

    @Override
    public void writeTo(Sink sink) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            for (long position = start; position < end; ) {
                int length = (int) Math.min(SLICE, end - position);
                if (channel.size() < position + length) {
                    throw new EOFException(path + " became shorter while it was being uploaded");
                }
                ByteBuffer slice = channel.map(FileChannel.MapMode.READ_ONLY, position, length);
                try {
                    observer.read(slice.asReadOnlyBuffer(), position);
                    sink.write(slice.asReadOnlyBuffer());
                } finally {
                    MappedRanges.unmap(slice);
                }
                position += length;
            }
        }
    }
}
