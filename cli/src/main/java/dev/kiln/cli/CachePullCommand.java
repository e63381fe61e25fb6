package dev.kiln.cli;

import dev.kiln.oci.CachedImageStore;
import dev.kiln.oci.LocalImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

@Command(name = "pull", mixinStandardHelpOptions = true, header = "Pull images into the cache for one platform, verifying every blob.",
        description = {"Only the target platform's manifest, config and layers are fetched; cached images are reused unless --pull is given.",
                "Credentials come from ~/.docker/config.json and its credential helpers."})
final class CachePullCommand extends CacheBaseCommand {

    private static final int PARALLEL = 3;

    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Image references, e.g. linuxkit/init:v1.1.0.")
    List<String> images;

    @Option(names = "--arch", paramLabel = "amd64|arm64", defaultValue = "amd64", description = "Target architecture (default: ${DEFAULT-VALUE}).")
    String arch;

    @Mixin
    RegistryFlags registry = new RegistryFlags();

    @Option(names = "--pull", description = "Fetch manifests again even when the images are cached.")
    boolean pull;

    @Override
    public Integer call() throws Exception {
        CachedImageStore store = new CachedImageStore(cacheDir(),
                registry.options(root().session().env()), events());
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL, images.size()));
        List<LocalImage> pulled = new ArrayList<>();
        try {
            List<Future<LocalImage>> futures = new ArrayList<>();
            for (String image : images) {
                futures.add(pool.submit(() -> store.resolve(image, arch, pull)));
            }
            for (Future<LocalImage> f : futures) {
                pulled.add(get(f));
            }
        } finally {
            pool.shutdownNow();
        }
        StringBuilder text = new StringBuilder();
        List<Map<String, Object>> list = new ArrayList<>();
        for (LocalImage image : pulled) {
            text.append(image.reference()).append("  ").append(image.manifestDigest()).append(System.lineSeparator());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("reference", image.reference());
            m.put("manifest_digest", image.manifestDigest());
            m.put("layers", image.layers().stream().map(l -> l.digest()).toList());
            list.add(m);
        }
        return result("cache pull", Map.of("arch", arch, "images", list), text.toString());
    }

    private static LocalImage get(Future<LocalImage> f) throws Exception {
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
