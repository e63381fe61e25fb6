package dev.kiln.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.Digests;
import dev.kiln.api.KilnException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.function.UnaryOperator;

/**
 * An OCI image layout directory (image-spec, image-layout.md) used as kiln's image cache, in the
 * shape LinuxKit's cache has: {@code index.json} entries named by the
 * {@code org.opencontainers.image.ref.name} annotation, content under {@code blobs/sha256/}.
 *
 * <p>Blobs are streamed to a temporary file while they are hashed and renamed into place only
 * when their digest matches, so a reader never sees a partial or unverified blob, and concurrent
 * writers of the same blob both end with the same bytes.
 */
public final class OciLayout {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int CHUNK = 1 << 16;

    private final Path root;

    private OciLayout(Path root) {
        this.root = root;
    }

    /** Opens {@code root}, creating an empty layout there if nothing is there yet. */
    public static OciLayout open(Path root) {
        OciLayout layout = new OciLayout(root.toAbsolutePath().normalize());
        try (CacheLock.Hold hold = layout.indexLock()) {
            layout.initialise();
        }
        return layout;
    }

    private void initialise() {
        try {
            Files.createDirectories(root.resolve("blobs/sha256"));
            Files.createDirectories(tmp());
            if (!Files.exists(root.resolve("oci-layout"))) {
                replace(root.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes());
            }
            if (!Files.exists(root.resolve("index.json"))) {
                writeIndex(List.of());
            }
        } catch (IOException e) {
            throw KilnException.tried("create the image cache in " + root, e.toString(),
                    "pass a writable directory with --cache or KILN_CACHE", e);
        }
    }

    public Path root() {
        return root;
    }

    public Path blobPath(String digest) {
        return root.resolve("blobs/sha256").resolve(Blobs.hex(digest));
    }

    /** Whether the blob is present with the expected size (-1: any). Content is checked when read. */
    public boolean hasBlob(String digest, long size) {
        Path p = blobPath(digest);
        try {
            return Files.isRegularFile(p) && (size < 0 || Files.size(p) == size);
        } catch (IOException e) {
            return false;
        }
    }

    /** The blob as a stream that fails, naming the blob, if its content does not hash to {@code digest}. */
    public InputStream openBlob(String digest, long size) throws IOException {
        return new VerifyingInputStream(Files.newInputStream(blobPath(digest)), digest, size, "the cache " + root);
    }

    /** A small blob (manifest, config) read whole and verified. */
    public byte[] readBlob(String digest) throws IOException {
        try (InputStream in = openBlob(digest, -1)) {
            return in.readAllBytes();
        }
    }

    public JsonNode readJson(String digest) throws IOException {
        return JSON.readTree(readBlob(digest));
    }

    /** Stores bytes as a blob and returns its digest. */
    public String writeBlob(byte[] bytes) throws IOException {
        String digest = "sha256:" + Digests.sha256Hex(bytes);
        if (!hasBlob(digest, bytes.length)) {
            writeBlob(new java.io.ByteArrayInputStream(bytes), digest, bytes.length, "memory", n -> { });
        }
        return digest;
    }

    /**
     * Streams {@code in} into the layout. With an expected digest the content must hash to it, or
     * nothing is stored and the error names the digest; without one the computed digest is returned.
     */
    public String writeBlob(InputStream in, String expected, long size, String where, LongConsumer progress)
            throws IOException {
        Path temp = Files.createTempFile(tmp(), "blob-", ".partial");
        try {
            MessageDigest sha256 = Digests.sha256();
            long count = copy(in, temp, sha256, progress);
            String actual = "sha256:" + Digests.hex(sha256.digest());
            if (expected != null && !actual.equals(expected)) {
                throw Blobs.mismatch(expected, actual, where);
            }
            if (size >= 0 && count != size) {
                throw KilnException.tried("store blob " + actual + " from " + where,
                        "it has " + count + " bytes where its descriptor names " + size + ", so it was refused", "");
            }
            move(temp, blobPath(actual));
            return actual;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static long copy(InputStream in, Path temp, MessageDigest sha256, LongConsumer progress) throws IOException {
        long count = 0;
        long reported = 0;
        byte[] buf = new byte[CHUNK];
        try (OutputStream out = Files.newOutputStream(temp)) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                sha256.update(buf, 0, n);
                out.write(buf, 0, n);
                count += n;
                if (count - reported >= (1 << 20)) {
                    progress.accept(count);
                    reported = count;
                }
            }
        }
        progress.accept(count);
        return count;
    }

    /**
     * Moves a file the caller wrote into {@link #tmp()} and hashed into place as blob {@code digest}.
     * Used by writers that produce a blob and its digest in one pass (the packer).
     */
    void adopt(Path file, String digest) throws IOException {
        move(file, blobPath(digest));
    }

    /** A new temporary file on the cache's file system, for {@link #adopt}. */
    Path tempFile() throws IOException {
        return Files.createTempFile(tmp(), "new-", ".partial");
    }

    /** All {@code index.json} entries, including ones without a name. */
    public List<Descriptor> entries() {
        try {
            JsonNode index = JSON.readTree(root.resolve("index.json").toFile());
            List<Descriptor> out = new ArrayList<>();
            index.path("manifests").forEach(m -> out.add(Descriptor.of(m)));
            return out;
        } catch (IOException e) {
            throw KilnException.tried("read " + root.resolve("index.json"), KilnException.reason(e),
                    "the cache index is damaged; move the cache directory aside and pull again", e);
        }
    }

    /** The entry named {@code refName}. */
    public Optional<Descriptor> find(String refName) {
        return entries().stream().filter(d -> d.refName().equals(refName)).findFirst();
    }

    /** Adds {@code entry}, replacing any entry with the same name. */
    public void put(Descriptor entry) {
        update(list -> {
            List<Descriptor> out = new ArrayList<>();
            boolean replaced = false;
            for (Descriptor d : list) {
                if (!d.refName().isEmpty() && d.refName().equals(entry.refName())) {
                    if (!replaced) {
                        out.add(entry);
                    }
                    replaced = true;
                } else {
                    out.add(d);
                }
            }
            if (!replaced) {
                out.add(entry);
            }
            return out;
        });
    }

    /** Removes the entry named {@code refName}; false if there was none. */
    public boolean remove(String refName) {
        boolean[] found = {false};
        update(list -> {
            List<Descriptor> out = new ArrayList<>(list);
            found[0] = out.removeIf(d -> d.refName().equals(refName));
            return out;
        });
        return found[0];
    }

    private void update(UnaryOperator<List<Descriptor>> change) {
        try (CacheLock.Hold hold = indexLock()) {
            writeIndex(change.apply(entries()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeIndex(List<Descriptor> entries) throws IOException {
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaTypes.OCI_INDEX);
        ArrayNode manifests = index.putArray("manifests");
        entries.forEach(d -> manifests.add(d.toJson()));
        replace(root.resolve("index.json"), PRETTY.writeValueAsBytes(index));
    }

    private void replace(Path target, byte[] bytes) throws IOException {
        Path temp = Files.createTempFile(tmp(), "meta-", ".partial");
        try {
            Files.write(temp, bytes);
            move(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    Path tmp() {
        return root.resolve(".kiln-tmp");
    }

    /** Held shared while blobs are read or written, exclusively by gc. */
    CacheLock.Hold useLock() {
        return CacheLock.of(root, "gc").shared();
    }

    CacheLock.Hold gcLock() {
        return CacheLock.of(root, "gc").exclusive();
    }

    private CacheLock.Hold indexLock() {
        return CacheLock.of(root, "index").exclusive();
    }
}
