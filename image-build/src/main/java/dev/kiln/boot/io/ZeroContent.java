package dev.kiln.boot.io;

import java.io.IOException;

/** {@code size} zero bytes: stands in for content whose size is known before its bytes are. */
public record ZeroContent(long size) implements Content {

    @Override
    public void writeTo(ByteSink sink) throws IOException {
        sink.zeros(size);
    }
}
