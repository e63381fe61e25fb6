package dev.kiln.boot.fat;

import dev.kiln.boot.io.Content;

import java.util.Objects;

/**
 * A file in a FAT volume. {@code path} is '/' separated, each part an 8.3 name in one case.
 * {@code alignment} (a power of two, 0 for none) asks for the file's data to start at a disk
 * offset that is a multiple of it, so an ISO9660 directory can point at the same bytes.
 */
public record FatFile(String path, Content content, int alignment) {

    public FatFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(content, "content");
        if (alignment < 0 || (alignment & (alignment - 1)) != 0) {
            throw new IllegalArgumentException("alignment must be a power of two: " + alignment);
        }
    }

    public static FatFile of(String path, Content content) {
        return new FatFile(path, content, 0);
    }
}
