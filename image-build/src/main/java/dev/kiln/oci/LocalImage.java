package dev.kiln.oci;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/** An image available locally for one platform. */
public interface LocalImage {

    /** The normalised reference, e.g. {@code docker.io/library/redis:latest}. */
    String reference();

    /** "sha256:..." of the platform manifest. */
    String manifestDigest();

    /** The OCI image config document ({@code config.Labels}, {@code config.Env}, ...). */
    JsonNode config();

    /** Layers, bottom first. */
    List<Layer> layers();
}
