package dev.kiln.rootfs;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.core.Digests;
import dev.kiln.oci.CachedImageStore;
import dev.kiln.oci.Importer;
import dev.kiln.oci.LocalImage;
import dev.kiln.oci.RegistryOptions;
import dev.kiln.testing.LayerTar;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A layer blob whose digest is right but whose gzip stream is broken (it was published so, or its bytes were
 * damaged before they were digested) is named in the error, blob and image, and never reported as "but null".
 */
@Tag("security")
class CorruptLayerSecurityTest {

    private static final String REF = "example.org/team/app:1";

    @TempDir
    Path work;

    @Test
    void aCorruptGzipLayerIsNamedByItsDigestAndItsImage() throws Exception {
        byte[] tar = new LayerTar().dir("etc").file("etc/motd", "hello ".repeat(4000)).bytes();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(tar);
        }
        byte[] broken = gz.toByteArray();
        for (int i = 20; i < 40; i++) {
            broken[i] ^= (byte) 0x5a;
        }
        LocalImage image = importAndResolve(broken);

        assertThatThrownBy(() -> new ImageResolver(null, "amd64", false, work, Events.none()).flatten(image))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("image " + REF)
                .hasMessageContaining("blob sha256:" + Digests.sha256Hex(broken))
                .hasMessageContaining("cannot be read or decompressed")
                .hasMessageNotContaining("null")
                .hasMessageNotContaining("Corrupted TAR archive");
    }

    @Test
    void aLayerThatIsNotATarIsNamedToo() {
        byte[] garbage = "this is not a tar archive at all, it is text ".repeat(20).getBytes(StandardCharsets.UTF_8);
        TarSource layer = TarSource.described("blob sha256:abc", () -> new java.io.ByteArrayInputStream(garbage));
        assertThatThrownBy(() -> new LayerFlattener(work, Events.none()).flatten(List.of(layer), "image " + REF))
                .isInstanceOf(KilnException.class).hasMessageContaining("image " + REF + " (blob sha256:abc)")
                .hasMessageContaining("not a readable tar archive");
    }

    /** An EOFException has no message: the reason is its kind, not "null". */
    @Test
    void aReadFailureWithoutAMessageSaysWhatFailedNotNull() {
        TarSource layer = TarSource.described("blob sha256:def", () -> new InputStream() {
            @Override
            public int read() throws java.io.IOException {
                throw new EOFException();
            }
        });
        assertThatThrownBy(() -> new LayerFlattener(work, Events.none()).flatten(List.of(layer), "image " + REF))
                .isInstanceOf(KilnException.class).hasMessageContaining("blob sha256:def")
                .hasMessageContaining("EOFException").hasMessageNotContaining("null");
    }

    private LocalImage importAndResolve(byte[] layer) throws Exception {
        Path dir = Files.createDirectories(work.resolve("layout"));
        Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}")
                .getBytes(StandardCharsets.UTF_8);
        Files.write(blobs.resolve(Digests.sha256Hex(config)), config);
        Files.write(blobs.resolve(Digests.sha256Hex(layer)), layer);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
                + Digests.sha256Hex(config) + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:" + Digests.sha256Hex(layer)
                + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
        Files.write(blobs.resolve(Digests.sha256Hex(manifest)), manifest);
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + Digests.sha256Hex(manifest)
                + "\",\"size\":" + manifest.length + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\""
                + REF + "\"}}]}");
        Path cache = work.resolve("cache");
        new Importer(dev.kiln.oci.OciLayout.open(cache), Events.none()).importFrom(dir, Optional.empty());
        return new CachedImageStore(cache, RegistryOptions.defaults(Map.of()), Events.none()).resolve(REF, "amd64", false);
    }
}
