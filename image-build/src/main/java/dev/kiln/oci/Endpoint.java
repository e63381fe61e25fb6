package dev.kiln.oci;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a registry's API is reached: its own address, or a mirror of it.
 *
 * @param base   e.g. {@code https://registry-1.docker.io}, {@code http://127.0.0.1:5000}
 * @param server the name credentials are looked up by (the registry, or the mirror's host)
 * @param mirror whether this is a mirror, which may fail over to the next endpoint
 */
record Endpoint(URI base, String server, boolean mirror) {

    /** The mirrors of {@code registry}, then the registry itself. */
    static List<Endpoint> of(String registry, RegistryOptions options) {
        List<Endpoint> out = new ArrayList<>();
        for (URI m : options.mirrorsFor(registry)) {
            out.add(new Endpoint(m, m.getAuthority(), true));
        }
        out.add(new Endpoint(URI.create(scheme(registry) + "://" + host(registry)), registry, false));
        return out;
    }

    private static String host(String registry) {
        return registry.equals(ImageReference.DOCKER_HUB) ? "registry-1.docker.io" : registry;
    }

    /**
     * Loopback registries are spoken to in plain HTTP, everything else over TLS; this is the rule
     * Docker applies to 127.0.0.0/8 and go-containerregistry to localhost and loopback addresses.
     */
    static String scheme(String registry) {
        String host = registry.startsWith("[") ? registry.substring(0, registry.indexOf(']') + 1)
                : registry.contains(":") ? registry.substring(0, registry.lastIndexOf(':')) : registry;
        boolean loopback = host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
        return loopback ? "http" : "https";
    }

    /** {@code base/v2/<repository>/<path>}, with a mirror's own path prefix kept. */
    URI uri(String repository, String path) {
        String prefix = base.getPath() == null ? "" : base.getPath();
        return base.resolve(prefix + "/v2/" + repository + "/" + path);
    }

    @Override
    public String toString() {
        return base.toString();
    }
}
