package dev.kiln.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Pulls one image for one platform into the cache: the root manifest or index, and only the
 * target platform's manifest, config and layers. Blobs already in the cache are not fetched again.
 * Mirrors are tried first; a mirror that fails hands over to the next endpoint.
 */
final class Puller {

    private final OciLayout layout;
    private final RegistryOptions options;
    private final Events events;
    private final FetchManifest manifests;
    private final FetchBlob blobs;

    private final Executor pool;

    /** {@code pool} runs layer fetches; its size bounds the blobs in flight (each streams to disk). */
    Puller(OciLayout layout, RegistryOptions options, RegistryHttp http, Executor pool, Events events) {
        this.layout = layout;
        this.pool = pool;
        this.options = options;
        this.events = events;
        this.manifests = new FetchManifest(http);
        this.blobs = new FetchBlob(http, events);
    }

    /** Fetches what is missing and returns the root descriptor; the caller names it in {@code index.json}. */
    Descriptor pull(ImageReference ref, Platform platform) throws IOException {
        events.phase("pull " + ref);
        List<Endpoint> endpoints = Endpoint.of(ref.registry(), options);
        for (int i = 0; i < endpoints.size(); i++) {
            Endpoint endpoint = endpoints.get(i);
            try {
                return pullFrom(endpoint, endpoints.subList(i + 1, endpoints.size()), ref, platform);
            } catch (IOException | KilnException e) {
                if (!endpoint.mirror()) {
                    throw e instanceof IOException io ? unreachable(ref, endpoint, io) : (KilnException) e;
                }
                events.warn("mirror " + endpoint + " failed for " + ref + " (" + KilnException.reason(e) + "); trying the next");
            }
        }
        throw new IllegalStateException("the registry itself is always the last endpoint");
    }

    private Descriptor pullFrom(Endpoint endpoint, List<Endpoint> fallbacks, ImageReference ref, Platform platform)
            throws IOException {
        Manifest root = manifests.fetch(endpoint, ref.repository(), ref.manifestSelector())
                .orElseThrow(() -> notFound(ref, endpoint));
        Manifest image = root;
        if (root.isIndex()) {
            Descriptor chosen = choose(root, platform, ref);
            image = cachedManifest(chosen).orElse(null);
            if (image == null) {
                image = manifests.fetch(endpoint, ref.repository(), chosen.digest()).orElseThrow(() -> notFound(ref, endpoint));
            }
        }
        if (!MediaTypes.isManifest(image.mediaType())) {
            throw KilnException.tried("pull " + ref, "its manifest has the media type " + image.mediaType()
                    + ", which is not an image manifest", "check that the reference names a container image");
        }
        List<Endpoint> sources = new ArrayList<>();
        sources.add(endpoint);
        sources.addAll(fallbacks);
        fetch(sources, ref, image.config());
        checkPlatform(ref, platform, layout.readJson(image.config().digest()), root.isIndex());
        fetchAll(sources, ref, image.layers());
        layout.writeBlob(image.bytes());
        layout.writeBlob(root.bytes());
        return root.descriptor();
    }

    private Optional<Manifest> cachedManifest(Descriptor d) throws IOException {
        if (!layout.hasBlob(d.digest(), d.size())) {
            return Optional.empty();
        }
        return Optional.of(Manifest.parse(layout.readBlob(d.digest()), d.mediaType()));
    }

    /**
     * Fetches the layers on the pool, as many at once as it has threads. After a failure no new
     * fetch starts; the first failure is thrown once the running ones have ended.
     */
    private void fetchAll(List<Endpoint> sources, ImageReference ref, List<Descriptor> layers) throws IOException {
        AtomicBoolean failed = new AtomicBoolean();
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (Descriptor layer : layers) {
            running.add(CompletableFuture.runAsync(() -> {
                if (failed.get()) {
                    return;
                }
                try {
                    fetch(sources, ref, layer);
                } catch (IOException e) {
                    failed.set(true);
                    throw new CompletionException(e);
                } catch (RuntimeException | Error e) {
                    failed.set(true);
                    throw e;
                }
            }, pool));
        }
        Throwable first = null;
        for (CompletableFuture<Void> f : running) {
            try {
                f.join();
            } catch (CompletionException e) {
                first = first == null ? e.getCause() : first;
            }
        }
        if (first instanceof IOException io) {
            throw io;
        }
        if (first instanceof RuntimeException r) {
            throw r;
        }
        if (first instanceof Error err) {
            throw err;
        }
    }

    private void fetch(List<Endpoint> sources, ImageReference ref, Descriptor blob) throws IOException {
        if (layout.hasBlob(blob.digest(), blob.size())) {
            return;
        }
        for (Endpoint source : sources) {
            try {
                if (blobs.fetch(source, ref.repository(), blob, layout)) {
                    return;
                }
            } catch (IOException | KilnException e) {
                if (!source.mirror()) {
                    throw e;
                }
                events.warn("mirror " + source + " failed for " + blob.digest() + " (" + KilnException.reason(e) + ")");
            }
        }
        throw KilnException.tried("pull blob " + blob.digest() + " of " + ref, "the registry does not have it (404)",
                "the image in the registry is incomplete; push it again");
    }

    private static Descriptor choose(Manifest index, Platform platform, ImageReference ref) {
        List<Descriptor> entries = index.manifests();
        return entries.stream().filter(d -> platform.matches(d.platform())).findFirst()
                .orElseThrow(() -> KilnException.tried("pull " + ref + " for " + platform,
                        "the image is only published for " + entries.stream()
                                .map(d -> d.platform().path("os").asText() + "/" + d.platform().path("architecture").asText())
                                .distinct().collect(Collectors.joining(", ")),
                        "pass --arch with one of those, or use an image built for " + platform));
    }

    private static void checkPlatform(ImageReference ref, Platform platform, JsonNode config, boolean fromIndex) {
        if (!fromIndex && config.has("architecture") && !platform.matches(config)) {
            throw KilnException.tried("pull " + ref + " for " + platform, "it is a single-platform image for "
                    + config.path("os").asText() + "/" + config.path("architecture").asText(),
                    "pass --arch " + config.path("architecture").asText() + ", or use an image built for " + platform);
        }
    }

    private static KilnException notFound(ImageReference ref, Endpoint endpoint) {
        return KilnException.tried("pull " + ref, endpoint + " has no manifest " + ref.manifestSelector()
                + " for " + ref.repository(), "check the name and tag, and that you may read it");
    }

    private static KilnException unreachable(ImageReference ref, Endpoint endpoint, IOException e) {
        return KilnException.tried("pull " + ref + " from " + endpoint, Retry.describe(e),
                "check the network, the registry address and --mirror/--cert-file settings", e);
    }
}
