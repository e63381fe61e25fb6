package dev.kiln.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.Events;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Images the tests build themselves with {@link Packer}: a kernel, an init with busybox, a service, a multi-platform index. */
final class Fixtures {

    static final String SERVICE_LABEL = "{\"capabilities\":[\"CAP_NET_ADMIN\"],\"net\":\"host\"}";

    private Fixtures() {
    }

    static Packer.Packed kernel(OciLayout layout, Path work, String ref) throws IOException {
        Path dir = Files.createDirectories(work.resolve("kernel-src"));
        Files.write(dir.resolve("kernel"), bytes(256 * 1024, 7));
        Files.writeString(dir.resolve("kernel.tar"), "");
        return new Packer(layout, Events.none()).pack(dir, ref, Platform.AMD64, Map.of());
    }

    static Packer.Packed init(OciLayout layout, Path work, String ref) throws IOException {
        Path dir = Files.createDirectories(work.resolve("init-src/bin"));
        Files.copy(Path.of("/bin/busybox"), dir.resolve("busybox"));
        Files.setPosixFilePermissions(dir.resolve("busybox"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(dir.resolve("sh"), Path.of("busybox"));
        return new Packer(layout, Events.none()).pack(work.resolve("init-src"), ref, Platform.AMD64, Map.of());
    }

    static Packer.Packed service(OciLayout layout, Path work, String ref) throws IOException {
        Path dir = Files.createDirectories(work.resolve("svc-src/usr/bin"));
        Files.writeString(dir.resolve("svc"), "#!/bin/sh\necho service\n");
        return new Packer(layout, Events.none()).pack(work.resolve("svc-src"), ref, Platform.AMD64,
                Map.of("org.mobyproject.config", SERVICE_LABEL));
    }

    /** Two single-platform images and an index over them, named {@code ref}; returns {amd64, arm64}. */
    static Packer.Packed[] multiPlatform(OciLayout layout, Path work, String ref) throws IOException {
        Path a = Files.createDirectories(work.resolve("multi-amd64"));
        Files.writeString(a.resolve("arch"), "amd64\n");
        Path b = Files.createDirectories(work.resolve("multi-arm64"));
        Files.write(b.resolve("arch"), bytes(64 * 1024, 3));
        Packer packer = new Packer(layout, Events.none());
        Packer.Packed amd = packer.pack(a, ref + "-amd64", Platform.AMD64, Map.of());
        Packer.Packed arm = packer.pack(b, ref + "-arm64", Platform.ARM64, Map.of());
        ObjectNode index = OciLayout.JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaTypes.OCI_INDEX);
        ArrayNode manifests = index.putArray("manifests");
        manifests.add(withPlatform(amd.manifest(), "amd64"));
        manifests.add(withPlatform(arm.manifest(), "arm64"));
        byte[] bytes = OciLayout.JSON.writeValueAsBytes(index);
        String digest = layout.writeBlob(bytes);
        layout.put(new Descriptor(MediaTypes.OCI_INDEX, digest, bytes.length,
                Map.of(Descriptor.REF_NAME, ImageReference.parse(ref).toString()), null));
        return new Packer.Packed[] {amd, arm};
    }

    private static ObjectNode withPlatform(Descriptor d, String arch) {
        ObjectNode n = new Descriptor(d.mediaType(), d.digest(), d.size()).toJson();
        n.putObject("platform").put("os", "linux").put("architecture", arch);
        return n;
    }

    /** An image of several layers, each one file of random bytes. */
    record MultiLayer(String reference, Descriptor manifest, List<Descriptor> layers) { }

    static MultiLayer multiLayer(OciLayout layout, Path work, String ref, int count, int bytesEach) throws IOException {
        Packer packer = new Packer(layout, Events.none());
        List<Descriptor> layers = new ArrayList<>();
        ArrayNode diffIds = OciLayout.JSON.createArrayNode();
        JsonNode config = null;
        for (int i = 0; i < count; i++) {
            Path dir = Files.createDirectories(work.resolve("layers-src-" + i));
            Files.write(dir.resolve("part-" + i), bytes(bytesEach, 100 + i));
            Packer.Packed part = packer.pack(dir, ref + "-part" + i, Platform.AMD64, Map.of());
            JsonNode manifest = layout.readJson(part.manifest().digest());
            config = layout.readJson(manifest.path("config").path("digest").asText());
            diffIds.add(config.path("rootfs").path("diff_ids").get(0));
            layers.add(part.layer());
        }
        ObjectNode merged = config.deepCopy();
        ((ObjectNode) merged.path("rootfs")).set("diff_ids", diffIds);
        byte[] configBytes = OciLayout.JSON.writeValueAsBytes(merged);
        Descriptor configDesc = new Descriptor(MediaTypes.OCI_CONFIG, layout.writeBlob(configBytes), configBytes.length);
        ObjectNode manifest = OciLayout.JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
        manifest.set("config", configDesc.toJson());
        ArrayNode array = manifest.putArray("layers");
        layers.forEach(l -> array.add(l.toJson()));
        byte[] bytes = OciLayout.JSON.writeValueAsBytes(manifest);
        Descriptor desc = new Descriptor(MediaTypes.OCI_MANIFEST, layout.writeBlob(bytes), bytes.length);
        String name = ImageReference.parse(ref).toString();
        layout.put(desc.withAnnotations(Map.of(Descriptor.REF_NAME, name)));
        return new MultiLayer(name, desc, List.copyOf(layers));
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }
}
