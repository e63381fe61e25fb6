package dev.kiln.boot;

import dev.kiln.boot.io.SparseSink;

import java.io.IOException;

/** A whole disk or ISO image, planned: its size, and how to write it front to back. */
public interface DiskLayout {

    /** Bytes of the image, a multiple of 512. */
    long size();

    /** Writes the image from position 0 of {@code sink}; zero ranges may be skipped. */
    void write(SparseSink sink) throws IOException;
}
