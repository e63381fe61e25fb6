package dev.kiln.rootfs;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.oci.ImageStore;
import dev.kiln.oci.LocalImage;
import dev.kiln.oci.Layer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Resolves each image reference once through the {@link ImageStore} and flattens images on demand. */
public final class ImageResolver {

    private final ImageStore store;
    private final String arch;
    private final boolean pull;
    private final LayerFlattener flattener;
    private final Events events;
    private final Map<String, LocalImage> resolved = new HashMap<>();

    public ImageResolver(ImageStore store, String arch, boolean pull, Path tmp, Events events) {
        this(store, arch, pull, tmp, events, LayerFlattener.DEFAULT_MAX_LAYER_BYTES);
    }

    public ImageResolver(ImageStore store, String arch, boolean pull, Path tmp, Events events, long maxLayerBytes) {
        this.store = store;
        this.arch = arch;
        this.pull = pull;
        this.flattener = new LayerFlattener(tmp, events, maxLayerBytes);
        this.events = events;
    }

    /** @param where the YAML location, e.g. {@code services[1]}, for the error message */
    public LocalImage resolve(String reference, String where) {
        LocalImage image = resolved.get(reference);
        if (image == null) {
            events.info("resolve " + reference);
            try {
                image = store.resolve(reference, arch, pull);
            } catch (IOException e) {
                throw KilnException.tried("get image " + reference + " for " + where, KilnException.reason(e),
                        "check the reference and that the image exists for linux/" + arch, e);
            }
            resolved.put(reference, image);
        }
        return image;
    }

    public FlatImage flatten(LocalImage image) {
        List<TarSource> layers = image.layers().stream().map(ImageResolver::source).toList();
        try {
            return flattener.flatten(layers, "image " + image.reference());
        } catch (IOException e) {
            throw KilnException.tried("read the layers of " + image.reference(), KilnException.reason(e),
                    "check the image cache, or pull the image again with --pull", e);
        }
    }

    public FlatImage flatten(TarSource tar, String what) throws IOException {
        return flattener.flatten(List.of(tar), what);
    }

    private static TarSource source(Layer layer) {
        return TarSource.described("blob " + layer.digest(), layer::open);
    }
}
