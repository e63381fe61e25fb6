package dev.kiln.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.Digests;
import dev.kiln.oci.ImageStore;
import dev.kiln.oci.Layer;
import dev.kiln.oci.LocalImage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An image store over images the tests make: a config JSON and uncompressed layer tars, kept in
 * memory or (for large benchmark layers) in files. References are used as given.
 */
public final class TestImageStore implements ImageStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, LocalImage> images = new HashMap<>();
    private final List<String> resolved = new ArrayList<>();

    /** @param config the image config's {@code config} object (Entrypoint, Cmd, Env, WorkingDir, Labels) */
    public TestImageStore add(String reference, JsonNode config, byte[]... layers) {
        List<Layer> list = new ArrayList<>();
        for (byte[] layer : layers) {
            list.add(layer(Digests.sha256Hex(layer), () -> new ByteArrayInputStream(layer)));
        }
        images.put(reference, image(reference, config, list));
        return this;
    }

    public TestImageStore add(String reference, byte[]... layers) {
        return add(reference, JSON.createObjectNode(), layers);
    }

    /** An image whose single layer is the tar file {@code layer}, streamed from disk. */
    public TestImageStore addFile(String reference, Path layer) {
        images.put(reference, image(reference, JSON.createObjectNode(),
                List.of(layer("sha256:file", () -> Files.newInputStream(layer)))));
        return this;
    }

    public List<String> resolved() {
        return resolved;
    }

    @Override
    public LocalImage resolve(String reference, String arch, boolean pull) throws IOException {
        resolved.add(reference);
        LocalImage image = images.get(reference);
        if (image == null) {
            throw new NoSuchFileException("no image " + reference + " in the test store");
        }
        return image;
    }

    public static ObjectNode config(String... keyValues) {
        ObjectNode c = JSON.createObjectNode();
        for (int i = 0; i < keyValues.length; i += 2) {
            try {
                c.set(keyValues[i], JSON.readTree(keyValues[i + 1]));
            } catch (IOException e) {
                throw new IllegalArgumentException(keyValues[i + 1], e);
            }
        }
        return c;
    }

    private interface Opener {
        InputStream open() throws IOException;
    }

    private static Layer layer(String digest, Opener opener) {
        return new Layer() {
            public String digest() {
                return digest.startsWith("sha256:") ? digest : "sha256:" + digest;
            }

            public String mediaType() {
                return "application/vnd.oci.image.layer.v1.tar";
            }

            public InputStream open() throws IOException {
                return opener.open();
            }
        };
    }

    private static LocalImage image(String reference, JsonNode config, List<Layer> layers) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("architecture", "amd64").put("os", "linux");
        doc.set("config", config);
        return new LocalImage() {
            public String reference() {
                return reference;
            }

            public String manifestDigest() {
                return "sha256:" + Digests.sha256Hex(reference.getBytes());
            }

            public JsonNode config() {
                return doc;
            }

            public List<Layer> layers() {
                return layers;
            }
        };
    }
}
