package dev.kiln.rootfs;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** Something that can be read as an uncompressed tar stream, once per call. */
@FunctionalInterface
public interface TarSource {

    InputStream open() throws IOException;

    /** What the stream is, for messages, such as {@code blob sha256:…}; empty when nothing more is known. */
    default Optional<String> describe() {
        return Optional.empty();
    }

    /** {@code source}, described as {@code description} in messages. */
    static TarSource described(String description, TarSource source) {
        return new TarSource() {
            @Override
            public InputStream open() throws IOException {
                return source.open();
            }

            @Override
            public Optional<String> describe() {
                return Optional.of(description);
            }
        };
    }
}
