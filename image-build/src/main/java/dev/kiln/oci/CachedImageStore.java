package dev.kiln.oci;

import dev.kiln.api.Events;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The image store the builder uses: the cache first, the registry when the cache lacks the image
 * (or always with {@code pull}). What is pulled is named in {@code index.json} only after every
 * blob it needs is stored and verified, so an interrupted or refused pull adds nothing.
 */
public final class CachedImageStore implements ImageStore {

    private final OciLayout layout;
    private final RegistryOptions options;
    private final Events events;
    private final CacheReader reader;
    private final ExecutorService blobs;
    private RegistryHttp http;

    public CachedImageStore(Path cache, RegistryOptions options, Events events) {
        this(cache, options, events, null);
    }

    /** With a given registry client: tests pass one with a fake clock and sleeper. */
    CachedImageStore(Path cache, RegistryOptions options, Events events, RegistryHttp http) {
        this.layout = OciLayout.open(cache);
        this.options = options;
        this.events = events;
        this.reader = new CacheReader(layout);
        this.http = http;
        ThreadPoolExecutor pool = new ThreadPoolExecutor(options.parallel(), options.parallel(), 5, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "kiln-blob-fetch");
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        this.blobs = pool;
    }

    /**
     * Does the one-time set-up a pull needs before its first byte arrives, without touching the network:
     * the JSON mappers (Jackson's date format loads the JDK's locale data), the SHA-256 provider and the JDK's
     * HTTP client classes. The CLI calls it on a second thread while the command line is parsed, so on a
     * machine with a free core it costs no wall time.
     */
    public static void preload() {
        try {
            OciLayout.JSON.readTree("{\"schemaVersion\":2}");
            dev.kiln.core.Digests.sha256().update(new byte[64]);
            java.net.URI.create("http://127.0.0.1/v2/").toURL().openConnection();
        } catch (IOException e) {
            // nothing was sent; the pull itself reports any real problem
        }
    }

    public OciLayout layout() {
        return layout;
    }

    @Override
    public LocalImage resolve(String reference, String arch, boolean pull) throws IOException {
        ImageReference ref = ImageReference.parse(reference);
        Platform platform = Platform.of(arch);
        try (CacheLock.Hold hold = layout.useLock()) {
            if (!pull) {
                Optional<LocalImage> cached = reader.find(ref, platform);
                if (cached.isPresent()) {
                    events.debug(ref + " for " + platform + " is in the cache");
                    return cached.get();
                }
            }
            Descriptor root = new Puller(layout, options, http(), blobs, events).pull(ref, platform);
            layout.put(root.withAnnotations(Map.of(Descriptor.REF_NAME, ref.toString())));
            return reader.find(ref, platform).orElseThrow(() -> new IllegalStateException("pulled image not readable"));
        }
    }

    private synchronized RegistryHttp http() {
        if (http == null) {
            http = new RegistryHttp(options, events);
        }
        return http;
    }
}
