package dev.kiln.oci;

import java.io.IOException;

/**
 * Where the builder gets images: the local cache, filled from registries when needed. Only the
 * target platform's manifest, config and layers are fetched, and every blob's sha256 is checked.
 */
public interface ImageStore {

    /**
     * @param reference an image reference as written in YAML ({@code redis}, {@code org/x:tag},
     *                  {@code host:5000/x@sha256:...}); implementations normalise it
     * @param arch      {@code amd64} or {@code arm64}
     * @param pull      fetch from the registry even if the cache has it
     */
    LocalImage resolve(String reference, String arch, boolean pull) throws IOException;
}
