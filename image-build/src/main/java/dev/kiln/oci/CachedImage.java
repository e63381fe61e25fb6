package dev.kiln.oci;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/** An image of one platform whose manifest, config and layers are all in the cache. */
record CachedImage(String reference, String manifestDigest, JsonNode config, List<Layer> layers) implements LocalImage {

    CachedImage {
        layers = List.copyOf(layers);
    }
}
