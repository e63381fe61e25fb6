package dev.kiln.boot.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Bytes of known length that a layout writes somewhere in an image. Writers ask for the size
 * first (to lay the image out) and stream the bytes later, so nothing is held in memory twice.
 */
public interface Content {

    long size();

    /** Writes exactly {@link #size()} bytes at the sink's current position. */
    void writeTo(ByteSink sink) throws IOException;

    static Content of(byte[] bytes) {
        byte[] copy = bytes.clone();
        return new Content() {
            @Override
            public long size() {
                return copy.length;
            }

            @Override
            public void writeTo(ByteSink sink) throws IOException {
                sink.write(copy);
            }
        };
    }

    static Content of(Path file) throws IOException {
        long size = Files.size(file);
        return new Content() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public void writeTo(ByteSink sink) throws IOException {
                sink.copy(file, 0, size);
            }
        };
    }
}
