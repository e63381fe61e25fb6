package dev.kiln.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An OCI content descriptor (image-spec, descriptor.md): what a manifest, an index or
 * {@code index.json} says about a blob it points to.
 *
 * @param platform the entry's {@code platform} object in an index, or a missing node
 */
public record Descriptor(String mediaType, String digest, long size, Map<String, String> annotations, JsonNode platform) {

    /** The annotation that names an image in an OCI layout's {@code index.json}. */
    public static final String REF_NAME = "org.opencontainers.image.ref.name";

    public Descriptor {
        Objects.requireNonNull(mediaType, "mediaType");
        Blobs.checkDigest(digest);
        annotations = Map.copyOf(annotations);
        platform = platform == null ? JsonNodeFactory.instance.missingNode() : platform;
    }

    public Descriptor(String mediaType, String digest, long size) {
        this(mediaType, digest, size, Map.of(), null);
    }

    public static Descriptor of(JsonNode node) {
        Map<String, String> annotations = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.path("annotations").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            annotations.put(e.getKey(), e.getValue().asText());
        }
        return new Descriptor(node.path("mediaType").asText(""), node.path("digest").asText(""),
                node.path("size").asLong(-1), annotations, node.path("platform"));
    }

    public Descriptor withAnnotations(Map<String, String> values) {
        return new Descriptor(mediaType, digest, size, values, platform);
    }

    public String refName() {
        return annotations.getOrDefault(REF_NAME, "");
    }

    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("mediaType", mediaType);
        node.put("digest", digest);
        node.put("size", size);
        if (!annotations.isEmpty()) {
            ObjectNode a = node.putObject("annotations");
            new TreeMap<>(annotations).forEach(a::put);
        }
        if (platform.isObject()) {
            node.set("platform", platform.deepCopy());
        }
        return node;
    }
}
