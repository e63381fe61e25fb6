package dev.kiln.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.KilnException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Listing, removal and garbage collection of cache entries ({@code kiln cache ls|rm|gc}). */
public final class CacheMaintenance {

    private static final Duration STALE_TEMP = Duration.ofHours(1);

    private final OciLayout layout;

    public CacheMaintenance(OciLayout layout) {
        this.layout = layout;
    }

    /** One named image in the cache. */
    public record Entry(String reference, String digest, String mediaType, long bytes, List<String> platforms) {}

    /** What {@link #gc()} removed. */
    public record Collected(int blobs, long bytes) {}

    public List<Entry> list() throws IOException {
        List<Entry> out = new ArrayList<>();
        try (CacheLock.Hold hold = layout.useLock()) {
            for (Descriptor d : layout.entries()) {
                long bytes = 0;
                for (String digest : Reachable.from(layout, d)) {
                    bytes += Files.size(layout.blobPath(digest));
                }
                out.add(new Entry(d.refName(), d.digest(), d.mediaType(), bytes, platforms(d)));
            }
        }
        return out;
    }

    private List<String> platforms(Descriptor root) throws IOException {
        List<String> out = new ArrayList<>();
        if (!layout.hasBlob(root.digest(), -1)) {
            return out;
        }
        Manifest m = Manifest.parse(layout.readBlob(root.digest()), root.mediaType());
        if (m.isIndex()) {
            for (Descriptor child : m.manifests()) {
                if (layout.hasBlob(child.digest(), child.size())) {
                    out.add(child.platform().path("os").asText() + "/" + child.platform().path("architecture").asText());
                }
            }
        } else if (m.json().has("config") && layout.hasBlob(m.config().digest(), -1)) {
            JsonNode config = layout.readJson(m.config().digest());
            out.add(config.path("os").asText() + "/" + config.path("architecture").asText());
        }
        return out;
    }

    /** Removes the named entries (normalised like image references); blobs are freed by {@link #gc()}. */
    public List<String> remove(List<String> references) {
        List<String> removed = new ArrayList<>();
        for (String r : references) {
            String name = ImageReference.parse(r).toString();
            if (layout.remove(name) || layout.remove(r)) {
                removed.add(name);
            } else {
                throw KilnException.tried("remove " + name + " from the cache " + layout.root(), "no image of that name is cached",
                        "see 'kiln cache ls' for the names");
            }
        }
        return removed;
    }

    /** Deletes blobs no {@code index.json} entry needs, and temporary files left by interrupted writes. */
    public Collected gc() throws IOException {
        try (CacheLock.Hold hold = layout.gcLock()) {
            Set<String> keep = new HashSet<>();
            for (Descriptor d : layout.entries()) {
                keep.addAll(Reachable.from(layout, d));
            }
            int count = 0;
            long bytes = 0;
            try (Stream<Path> blobs = Files.list(layout.root().resolve("blobs/sha256"))) {
                for (Path p : blobs.toList()) {
                    if (!keep.contains("sha256:" + p.getFileName())) {
                        bytes += Files.size(p);
                        Files.delete(p);
                        count++;
                    }
                }
            }
            removeStaleTemps();
            return new Collected(count, bytes);
        }
    }

    private void removeStaleTemps() throws IOException {
        Instant before = Instant.now().minus(STALE_TEMP);
        try (Stream<Path> temps = Files.list(layout.tmp())) {
            for (Path p : temps.toList()) {
                if (Files.getLastModifiedTime(p).toInstant().isBefore(before)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
