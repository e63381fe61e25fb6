package dev.kiln.oci;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdOutputStream;
import dev.kiln.core.Digests;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Images whose layers are {@code tar+zstd}, as BuildKit and podman push them, resolve through the cache. */
class ZstdLayerTest {

    private static final String REF = "example.org/kiln/zstd:1";
    private static final byte[] MOTD = "built by kiln from a zstd layer\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BIG = Fixtures.bytes(300 * 1024, 11);

    @TempDir
    Path work;
    OciLayout seed;
    OciLayout cache;
    String layerDigest;

    @BeforeEach
    void seed() throws Exception {
        seed = OciLayout.open(work.resolve("seed"));
        cache = OciLayout.open(work.resolve("cache"));
        byte[] tar = tar();
        byte[] zstd = zstd(tar);
        layerDigest = seed.writeBlob(zstd);
        Descriptor layer = new Descriptor(MediaTypes.OCI_LAYER_ZSTD, layerDigest, zstd.length);
        ObjectNode config = OciLayout.JSON.createObjectNode().put("architecture", "amd64").put("os", "linux");
        config.putObject("rootfs").put("type", "layers").putArray("diff_ids")
                .add("sha256:" + Digests.hex(Digests.sha256().digest(tar)));
        byte[] configBytes = OciLayout.JSON.writeValueAsBytes(config);
        Descriptor configDesc = new Descriptor(MediaTypes.OCI_CONFIG, seed.writeBlob(configBytes), configBytes.length);
        ObjectNode manifest = OciLayout.JSON.createObjectNode().put("schemaVersion", 2)
                .put("mediaType", MediaTypes.OCI_MANIFEST);
        manifest.set("config", configDesc.toJson());
        manifest.putArray("layers").add(layer.toJson());
        byte[] manifestBytes = OciLayout.JSON.writeValueAsBytes(manifest);
        seed.put(new Descriptor(MediaTypes.OCI_MANIFEST, seed.writeBlob(manifestBytes), manifestBytes.length,
                Map.of(Descriptor.REF_NAME, REF), null));
    }

    private static byte[] tar() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.putArchiveEntry(new TarArchiveEntry("etc/", TarArchiveEntry.LF_DIR));
            tar.closeArchiveEntry();
            for (Map.Entry<String, byte[]> f : Map.of("etc/motd", MOTD, "usr/bin/big", BIG).entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                e.setSize(f.getValue().length);
                tar.putArchiveEntry(e);
                tar.write(f.getValue());
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    private static byte[] zstd(byte[] tar) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZstdOutputStream z = new ZstdOutputStream(out, 3)) {
            z.write(tar);
        }
        return out.toByteArray();
    }

    private Layer importedLayer() throws Exception {
        new Importer(cache, Events.none()).importFrom(seed.root(), Optional.empty());
        LocalImage image = new CacheReader(cache).find(ImageReference.parse(REF), Platform.AMD64).orElseThrow();
        return image.layers().get(0);
    }

    @Test
    void aZstdLayerImportedFromALayoutReadsBackItsFiles() throws Exception {
        Layer layer = importedLayer();

        assertThat(layer.mediaType()).isEqualTo(MediaTypes.OCI_LAYER_ZSTD);
        assertThat(layer.digest()).isEqualTo(layerDigest);
        Map<String, byte[]> files = RegistryPullIT.files(layer);
        assertThat(files).containsKeys("etc/", "etc/motd", "usr/bin/big");
        assertThat(files.get("etc/motd")).isEqualTo(MOTD);
        assertThat(files.get("usr/bin/big")).isEqualTo(BIG);
    }

    @Test
    void aTamperedZstdBlobInTheCacheIsRefusedNamingItsDigest() throws Exception {
        Layer layer = importedLayer();
        Path blob = cache.blobPath(layerDigest);
        try (RandomAccessFile f = new RandomAccessFile(blob.toFile(), "rw")) {
            // inside the incompressible file's data: zstd decodes it, so only the digest can tell
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0x01);
        }

        assertThatThrownBy(() -> RegistryPullIT.files(layer))
                .isInstanceOf(KilnException.class).hasMessageContaining(layerDigest);
    }

    @Test
    void aTamperedZstdBlobInTheSourceIsRefusedOnImport() throws Exception {
        RegistryPullIT.flipLastByte(seed.blobPath(layerDigest));

        assertThatThrownBy(this::importedLayer).isInstanceOf(KilnException.class).hasMessageContaining(layerDigest);
        assertThat(cache.hasBlob(layerDigest, -1)).isFalse();
    }
}
