package dev.kiln.oci;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.core.Digests;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An OCI layout whose manifest names a layer it does not hold (or holds at another size) is refused at import. */
@Tag("security")
class ImportMissingLayerSecurityTest {

    @TempDir
    Path work;

    private static String sha(byte[] b) {
        return "sha256:" + Digests.sha256Hex(b);
    }

    private Path layout(byte[] layer, long claimedLayerSize, boolean includeLayer) throws Exception {
        Path dir = Files.createDirectories(work.resolve("layout"));
        Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8);
        Files.write(blobs.resolve(sha(config).substring(7)), config);
        if (includeLayer) {
            Files.write(blobs.resolve(sha(layer).substring(7)), layer);
        }
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + sha(config)
                + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + sha(layer) + "\",\"size\":"
                + claimedLayerSize + "}]}").getBytes(StandardCharsets.UTF_8);
        Files.write(blobs.resolve(sha(manifest).substring(7)), manifest);
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + sha(manifest) + "\",\"size\":"
                + manifest.length + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"example.org/x:1\"}}]}");
        return dir;
    }

    @Test
    void aMissingLayerIsRefusedAndNothingIsNamed() throws Exception {
        byte[] layer = "not really gzip".getBytes(StandardCharsets.UTF_8);
        Path dir = layout(layer, layer.length, false);
        OciLayout cache = OciLayout.open(work.resolve("cache"));

        assertThatThrownBy(() -> new Importer(cache, Events.none()).importFrom(dir, Optional.empty()))
                .isInstanceOf(KilnException.class).hasMessageContaining(sha(layer))
                .hasMessageContaining("does not contain");
        assertThat(cache.entries()).isEmpty();
    }

    @Test
    void aLayerOfTheWrongSizeIsRefused() throws Exception {
        byte[] layer = "not really gzip".getBytes(StandardCharsets.UTF_8);
        Path dir = layout(layer, layer.length + 100, true);
        OciLayout cache = OciLayout.open(work.resolve("cache"));

        assertThatThrownBy(() -> new Importer(cache, Events.none()).importFrom(dir, Optional.empty()))
                .isInstanceOf(KilnException.class).hasMessageContaining(sha(layer));
        assertThat(cache.entries()).isEmpty();
    }
}
