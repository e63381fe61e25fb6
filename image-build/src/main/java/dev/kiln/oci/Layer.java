package dev.kiln.oci;

import java.io.IOException;
import java.io.InputStream;

/** One layer of a {@link LocalImage}. */
public interface Layer {

    /** "sha256:..." of the blob as stored (compressed). */
    String digest();

    String mediaType();

    /**
     * The layer's uncompressed tar stream. The blob's digest is checked as it is read; a mismatch
     * fails the read (at the latest at end of stream) with an error naming the blob.
     */
    InputStream open() throws IOException;
}
