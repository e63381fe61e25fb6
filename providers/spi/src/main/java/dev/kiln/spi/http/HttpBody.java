package dev.kiln.spi.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A request body of a known length. Bodies hand their bytes to the connection as buffers: a file
 * range can pass read-only slices of a mapping, which go from the page cache to the socket without
 * a copy through the Java heap. The connection's writes block until the bytes are copied out, so a
 * body may reuse or unmap a buffer as soon as {@link Sink#write} returns.
 */
public interface HttpBody {

    /** Where a body writes its bytes; it blocks until the connection took them all. */
    @FunctionalInterface
    interface Sink {
        void write(ByteBuffer bytes) throws IOException;
    }

    /** Exactly the number of bytes {@link #writeTo} writes. */
    long length();

    void writeTo(Sink sink) throws IOException;

    static HttpBody none() {
        return of(new byte[0]);
    }

    static HttpBody of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    static HttpBody of(byte[] bytes) {
        return new HttpBody() {
            @Override
            public long length() {
                return bytes.length;
            }

            @Override
            public void writeTo(Sink sink) throws IOException {
                sink.write(ByteBuffer.wrap(bytes).asReadOnlyBuffer());
            }
        };
    }
}
