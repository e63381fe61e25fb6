package dev.kiln.oci;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

/** The blobs an {@code index.json} entry needs that the layout holds: root, manifests present, configs, layers. */
final class Reachable {

    private Reachable() {
    }

    static Set<String> from(OciLayout layout, Descriptor root) throws IOException {
        Set<String> out = new LinkedHashSet<>();
        walk(layout, root, out);
        return out;
    }

    private static void walk(OciLayout layout, Descriptor d, Set<String> out) throws IOException {
        if (!layout.hasBlob(d.digest(), -1) || !out.add(d.digest())) {
            return;
        }
        if (!MediaTypes.isIndex(d.mediaType()) && !MediaTypes.isManifest(d.mediaType())) {
            return;
        }
        Manifest m = Manifest.parse(layout.readBlob(d.digest()), d.mediaType());
        if (m.isIndex()) {
            for (Descriptor child : m.manifests()) {
                walk(layout, child, out);
            }
        } else {
            walk(layout, m.config(), out);
            for (Descriptor layer : m.layers()) {
                walk(layout, layer, out);
            }
        }
    }
}
