package dev.kiln.boot.iso;

import dev.kiln.boot.io.Content;

import java.util.Objects;

/**
 * A file in an ISO9660 volume. {@code path} uses '/' and is relative to the root. When
 * {@code placedAt} is not negative, the file's bytes already sit at that 2048-byte block of the
 * disk (for example inside a FAT image the same volume carries), and the ISO writer only points
 * a directory record at them instead of writing a second copy.
 */
public record IsoFile(String path, Content content, long placedAt) {

    public IsoFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(content, "content");
        if (path.isEmpty() || path.startsWith("/") || path.endsWith("/")) {
            throw new IllegalArgumentException("ISO path must be relative and name a file: " + path);
        }
    }

    public static IsoFile of(String path, Content content) {
        return new IsoFile(path, content, -1);
    }

    public boolean placed() {
        return placedAt >= 0;
    }
}
