package dev.kiln.packet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** Where a push publishes its files: a directory or an S3-compatible bucket. */
interface Destination extends AutoCloseable {

    /** For messages: {@code /srv/tftp} or {@code s3://bucket/prefix}. */
    String describe();

    /** The text of {@code file} if it is there. */
    Optional<String> read(String file) throws IOException;

    /** Publishes {@code source} as {@code file}, replacing what is there in one step for readers. */
    void write(String file, Path source, String contentType) throws IOException;

    /** Removes {@code file}; absent is fine. */
    void delete(String file) throws IOException;

    /** The URL a booting machine fetches {@code file} from. */
    String url(String file);

    /** The folder URL every file's URL starts with, when there is one (none for presigned URLs). */
    Optional<String> baseUrl();

    @Override
    default void close() {
    }
}
