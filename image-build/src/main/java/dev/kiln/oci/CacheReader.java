package dev.kiln.oci;

import dev.kiln.api.KilnException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds an image for a platform in the cache, as LinuxKit reads its cache: the {@code index.json}
 * entry by name, its root blob, the platform's manifest, the config and the layers. Empty when
 * any of these is missing, so the caller pulls; manifests and configs are verified as read.
 */
final class CacheReader {

    private final OciLayout layout;

    CacheReader(OciLayout layout) {
        this.layout = layout;
    }

    Optional<LocalImage> find(ImageReference ref, Platform platform) throws IOException {
        Optional<Descriptor> entry = layout.find(ref.toString());
        if (entry.isEmpty() && ref.digest().isPresent()) {
            entry = layout.entries().stream().filter(d -> d.digest().equals(ref.digest().get())).findFirst();
        }
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        return read(ref.toString(), entry.get(), platform);
    }

    /** The image an index entry names, for {@code platform}; empty if the cache lacks part of it. */
    Optional<LocalImage> read(String name, Descriptor root, Platform platform) throws IOException {
        if (!layout.hasBlob(root.digest(), root.size())) {
            return Optional.empty();
        }
        Manifest top = Manifest.parse(layout.readBlob(root.digest()), root.mediaType());
        Manifest image = top;
        if (top.isIndex()) {
            Optional<Descriptor> chosen = top.manifests().stream().filter(d -> platform.matches(d.platform())).findFirst();
            if (chosen.isEmpty() || !layout.hasBlob(chosen.get().digest(), chosen.get().size())) {
                return Optional.empty();
            }
            image = Manifest.parse(layout.readBlob(chosen.get().digest()), chosen.get().mediaType());
        }
        Descriptor config = image.config();
        if (!layout.hasBlob(config.digest(), config.size())) {
            return Optional.empty();
        }
        var configJson = layout.readJson(config.digest());
        if (!top.isIndex() && configJson.has("architecture") && !platform.matches(configJson)) {
            throw KilnException.tried("use " + name + " for " + platform, "the cached image is for "
                    + configJson.path("os").asText() + "/" + configJson.path("architecture").asText(),
                    "pass --arch " + configJson.path("architecture").asText() + " or use an image built for " + platform);
        }
        List<Layer> layers = new ArrayList<>();
        for (Descriptor d : image.layers()) {
            if (!layout.hasBlob(d.digest(), d.size())) {
                return Optional.empty();
            }
            layers.add(new CachedLayer(layout, d));
        }
        return Optional.of(new CachedImage(name, image.digest(), configJson, layers));
    }
}
