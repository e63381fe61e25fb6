package dev.kiln.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.KilnException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the images of a {@code docker save} tarball (its {@code manifest.json}: Config, RepoTags,
 * Layers) into OCI image manifests in the cache. Layers are kept as they are in the tarball
 * (uncompressed tars), so their digests are their diff_ids.
 */
final class DockerSave {

    private final OciLayout layout;
    private final Map<String, byte[]> small;
    private final Map<String, String> stored;

    DockerSave(OciLayout layout, Map<String, byte[]> small, Map<String, String> stored) {
        this.layout = layout;
        this.small = small;
        this.stored = stored;
    }

    List<String> convert(Optional<String> ref, Path source) throws IOException {
        JsonNode images = OciLayout.JSON.readTree(small.get("manifest.json"));
        if (ref.isPresent() && images.size() != 1) {
            throw KilnException.usage("--ref names one image, but " + source + " holds " + images.size());
        }
        List<String> added = new ArrayList<>();
        for (JsonNode image : images) {
            Descriptor manifest = manifest(image, source);
            List<String> names = new ArrayList<>();
            ref.ifPresent(names::add);
            if (ref.isEmpty()) {
                image.path("RepoTags").forEach(t -> names.add(t.asText()));
            }
            if (names.isEmpty()) {
                throw KilnException.usage("An image in " + source + " has no RepoTags; pass --ref NAME");
            }
            for (String n : names) {
                String name = ImageReference.parse(n).toString();
                layout.put(manifest.withAnnotations(Map.of(Descriptor.REF_NAME, name)));
                added.add(name);
            }
        }
        return added;
    }

    private Descriptor manifest(JsonNode image, Path source) throws IOException {
        Descriptor config = config(image.path("Config").asText(), source);
        ObjectNode m = OciLayout.JSON.createObjectNode();
        m.put("schemaVersion", 2);
        m.put("mediaType", MediaTypes.OCI_MANIFEST);
        m.set("config", config.toJson());
        var layers = m.putArray("layers");
        for (JsonNode l : image.path("Layers")) {
            String digest = stored.get(l.asText());
            if (digest == null) {
                throw missing(source, l.asText());
            }
            layers.add(new Descriptor(layerType(digest), digest, Files.size(layout.blobPath(digest))).toJson());
        }
        byte[] bytes = OciLayout.JSON.writeValueAsBytes(m);
        return new Descriptor(MediaTypes.OCI_MANIFEST, layout.writeBlob(bytes), bytes.length);
    }

    private Descriptor config(String name, Path source) throws IOException {
        if (small.containsKey(name)) {
            byte[] bytes = small.get(name);
            return new Descriptor(MediaTypes.OCI_CONFIG, layout.writeBlob(bytes), bytes.length);
        }
        String digest = stored.get(name);
        if (digest == null) {
            throw missing(source, name);
        }
        return new Descriptor(MediaTypes.OCI_CONFIG, digest, Files.size(layout.blobPath(digest)));
    }

    /** docker save writes plain tars; a gzip magic means a compressed layer from another writer. */
    private String layerType(String digest) throws IOException {
        try (InputStream in = layout.openBlob(digest, -1)) {
            byte[] head = in.readNBytes(2);
            return head.length == 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b
                    ? MediaTypes.OCI_LAYER_GZIP : MediaTypes.OCI_LAYER;
        }
    }

    private static KilnException missing(Path source, String name) {
        return KilnException.tried("import " + source, "its manifest.json names " + name + ", which the tarball lacks",
                "save the image again");
    }
}
