package dev.kiln.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * {@code kiln cache import}: brings images into the cache from an OCI image layout directory, an
 * OCI archive (a tar of such a layout, as {@code skopeo copy ... oci-archive:} or
 * {@code docker buildx --output type=oci} write), or a {@code docker save} tarball. Blobs named by
 * digest are verified as they are copied; images are named from their annotations or RepoTags,
 * or from {@code --ref} when the source holds exactly one image.
 */
public final class Importer {

    private static final long SMALL = 4 << 20;

    private final OciLayout layout;
    private final Events events;

    public Importer(OciLayout layout, Events events) {
        this.layout = layout;
        this.events = events;
    }

    /** Imports {@code source}; returns the names added. {@code ref} renames a single image. */
    public List<String> importFrom(Path source, Optional<String> ref) throws IOException {
        try (CacheLock.Hold hold = layout.useLock()) {
            events.phase("import " + source);
            if (Files.isDirectory(source)) {
                return fromLayoutDirectory(source, ref);
            }
            Archive archive = readArchive(source);
            if (archive.small.containsKey("index.json")) {
                return name(OciLayout.JSON.readTree(archive.small.get("index.json")), ref, source);
            }
            if (archive.small.containsKey("manifest.json")) {
                return new DockerSave(layout, archive.small, archive.stored).convert(ref, source);
            }
            throw KilnException.tried("import " + source, "it is neither an OCI archive (no index.json) nor a docker save "
                    + "tarball (no manifest.json)", "pass an OCI layout directory, an OCI archive or a docker save tarball");
        }
    }

    private List<String> fromLayoutDirectory(Path dir, Optional<String> ref) throws IOException {
        if (!Files.isRegularFile(dir.resolve("index.json"))) {
            throw KilnException.tried("import " + dir, "it has no index.json, so it is not an OCI image layout", "");
        }
        JsonNode index = OciLayout.JSON.readTree(dir.resolve("index.json").toFile());
        for (JsonNode m : index.path("manifests")) {
            copyTree(dir, Descriptor.of(m), false);
        }
        return name(index, ref, dir);
    }

    /**
     * @param required a layer or config of a manifest that is present: its absence (or a wrong size) makes the
     *                 image unusable, so the import is refused rather than reported "imported" and then pulled.
     *                 A manifest an index names may be absent: an archive of one platform of a multi-platform image.
     */
    private void copyTree(Path dir, Descriptor d, boolean required) throws IOException {
        Path blob = dir.resolve("blobs/sha256").resolve(Blobs.hex(d.digest()));
        if (!Files.isRegularFile(blob)) {
            if (required && !layout.hasBlob(d.digest(), d.size())) {
                throw KilnException.tried("import " + dir, "its manifest names " + d.mediaType() + " " + d.digest()
                        + " (" + d.size() + " bytes), which the archive does not contain",
                        "export the image again with all its layers");
            }
            return;
        }
        if (Files.size(blob) != d.size()) {
            throw KilnException.tried("import " + dir, "blob " + d.digest() + " has " + Files.size(blob)
                    + " bytes but its manifest says " + d.size(), "the archive is damaged; export the image again");
        }
        if (!layout.hasBlob(d.digest(), d.size())) {
            try (InputStream in = Files.newInputStream(blob)) {
                layout.writeBlob(in, d.digest(), d.size(), dir.toString(), n -> { });
            }
        }
        if (MediaTypes.isIndex(d.mediaType()) || MediaTypes.isManifest(d.mediaType())) {
            Manifest m = Manifest.parse(layout.readBlob(d.digest()), d.mediaType());
            List<Descriptor> children = new ArrayList<>(m.isIndex() ? m.manifests() : m.layers());
            if (!m.isIndex()) {
                children.add(m.config());
            }
            for (Descriptor child : children) {
                copyTree(dir, child, !m.isIndex());
            }
        }
    }

    /** Adds index entries for the images an OCI index.json names. */
    private List<String> name(JsonNode index, Optional<String> ref, Path source) throws IOException {
        List<Descriptor> entries = new ArrayList<>();
        index.path("manifests").forEach(m -> entries.add(Descriptor.of(m)));
        if (ref.isPresent() && entries.size() != 1) {
            throw KilnException.usage("--ref names one image, but " + source + " holds " + entries.size());
        }
        List<String> added = new ArrayList<>();
        for (Descriptor d : entries) {
            if (!layout.hasBlob(d.digest(), d.size())) {
                throw KilnException.tried("import " + source, "it names " + d.digest() + " but does not contain it", "");
            }
            String name = ImageReference.parse(ref.orElseGet(() -> nameOf(d, source))).toString();
            layout.put(new Descriptor(d.mediaType(), d.digest(), d.size(), Map.of(Descriptor.REF_NAME, name), null));
            added.add(name);
        }
        return added;
    }

    /** containerd's full image name, else a ref.name that is a full reference (not a bare tag). */
    private static String nameOf(Descriptor d, Path source) {
        String full = d.annotations().getOrDefault("io.containerd.image.name", "");
        if (!full.isEmpty()) {
            return full;
        }
        String refName = d.refName();
        if (refName.contains("/")) {
            return refName;
        }
        throw KilnException.usage("The image " + d.digest() + " in " + source + " is named only '" + refName
                + "', not a full reference; pass --ref NAME");
    }

    /** A tar read once: small metadata files kept in memory, everything else streamed into the cache. */
    private record Archive(Map<String, byte[]> small, Map<String, String> stored) {}

    private Archive readArchive(Path file) throws IOException {
        Map<String, byte[]> small = new HashMap<>();
        Map<String, String> stored = new HashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(decompressed(file))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                if (!e.isFile()) {
                    continue;
                }
                String name = e.getName().startsWith("./") ? e.getName().substring(2) : e.getName();
                if (name.startsWith("blobs/sha256/")) {
                    String digest = "sha256:" + name.substring("blobs/sha256/".length());
                    layout.writeBlob(tar, Blobs.checkDigest(digest), e.getSize(), file.toString(), n -> { });
                    stored.put(name, digest);
                } else if (e.getSize() <= SMALL && (name.endsWith(".json") || name.equals("oci-layout") || name.equals("repositories"))) {
                    small.put(name, tar.readAllBytes());
                } else {
                    stored.put(name, layout.writeBlob(tar, null, e.getSize(), file.toString(), n -> { }));
                }
            }
        } catch (IOException e) {
            throw KilnException.tried("import " + file, "it is not a readable tar archive (" + KilnException.reason(e) + ")",
                    "pass an OCI archive, a docker save tarball or an OCI layout directory", e);
        }
        return new Archive(small, stored);
    }

    private static InputStream decompressed(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int a = in.read();
        int b = in.read();
        in.reset();
        return a == 0x1f && b == 0x8b ? new GZIPInputStream(in, 1 << 16) : in;
    }
}
