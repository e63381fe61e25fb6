package dev.kiln.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.core.Digests;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A manifest or index document exactly as served (its digest is over these bytes), parsed.
 *
 * @param mediaType the document's media type, from the document or the response's Content-Type
 */
record Manifest(String mediaType, String digest, byte[] bytes, JsonNode json) {

    static Manifest parse(byte[] bytes, String contentType) throws IOException {
        JsonNode json = OciLayout.JSON.readTree(bytes);
        String mediaType = json.path("mediaType").asText("");
        if (mediaType.isEmpty()) {
            mediaType = json.has("manifests") ? MediaTypes.OCI_INDEX
                    : contentType != null && !contentType.isBlank() ? contentType.split(";")[0].trim() : MediaTypes.OCI_MANIFEST;
        }
        return new Manifest(mediaType, "sha256:" + Digests.sha256Hex(bytes), bytes, json);
    }

    boolean isIndex() {
        return MediaTypes.isIndex(mediaType);
    }

    Descriptor descriptor() {
        return new Descriptor(mediaType, digest, bytes.length);
    }

    /** The entries of an index. */
    List<Descriptor> manifests() {
        List<Descriptor> out = new ArrayList<>();
        json.path("manifests").forEach(m -> out.add(Descriptor.of(m)));
        return out;
    }

    Descriptor config() {
        return Descriptor.of(json.path("config"));
    }

    /** The layers of an image manifest, bottom first. */
    List<Descriptor> layers() {
        List<Descriptor> out = new ArrayList<>();
        json.path("layers").forEach(l -> out.add(Descriptor.of(l)));
        return out;
    }
}
