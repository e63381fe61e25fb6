package dev.kiln.api;

/** A byte range of a virtual disk that may hold data; everything outside the extents reads as zero. */
public record Extent(long offset, long length) {

    public Extent {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative extent " + offset + "+" + length);
        }
    }

    public long end() {
        return offset + length;
    }
}
