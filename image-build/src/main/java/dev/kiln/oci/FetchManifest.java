package dev.kiln.oci;

import dev.kiln.api.KilnException;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * {@code GET /v2/<name>/manifests/<reference>} (OCI distribution-spec, "Pulling manifests"). The
 * body is hashed: by-digest requests must match the digest asked for, by-tag requests the
 * {@code Docker-Content-Digest} the registry claims. Schema 1 manifests are refused.
 */
final class FetchManifest {

    private static final int LIMIT = 4 << 20;

    private final RegistryHttp http;

    FetchManifest(RegistryHttp http) {
        this.http = http;
    }

    /** The manifest, or empty when the registry does not have it (404). */
    Optional<Manifest> fetch(Endpoint endpoint, String repository, String selector) throws IOException {
        return http.get(endpoint, repository, "manifests/" + selector, MediaTypes.MANIFEST_ACCEPT, resp -> {
            byte[] bytes = read(resp.body(), endpoint, repository, selector);
            Manifest m = Manifest.parse(bytes, resp.header("Content-Type").orElse(""));
            String expected = selector.startsWith("sha256:") ? selector
                    : resp.header("Docker-Content-Digest").orElse(m.digest());
            if (!m.digest().equals(expected)) {
                throw Blobs.mismatch(expected, m.digest(), endpoint + "/" + repository);
            }
            if (m.json().path("schemaVersion").asInt() != 2) {
                throw KilnException.tried("pull " + repository + ":" + selector + " from " + endpoint,
                        "the registry only offers a schema 1 manifest, which kiln does not read",
                        "push the image again with a current client");
            }
            return m;
        });
    }

    private static byte[] read(InputStream body, Endpoint endpoint, String repository, String selector) throws IOException {
        byte[] bytes = body.readNBytes(LIMIT + 1);
        if (bytes.length > LIMIT) {
            throw KilnException.tried("pull " + repository + ":" + selector + " from " + endpoint,
                    "its manifest is larger than " + (LIMIT >> 20) + " MiB", "check the image");
        }
        return bytes;
    }
}
