package dev.kiln.oci;

import dev.kiln.api.Events;

import java.io.IOException;
import java.util.Optional;

/**
 * {@code GET /v2/<name>/blobs/<digest>} (OCI distribution-spec, "Pulling blobs"), streamed to the
 * cache while it is hashed; a blob whose content does not match its digest is refused and not stored.
 */
final class FetchBlob {

    private final RegistryHttp http;
    private final Events events;

    FetchBlob(RegistryHttp http, Events events) {
        this.http = http;
        this.events = events;
    }

    /** Stores the blob in {@code layout}; false when the registry does not have it (404). */
    boolean fetch(Endpoint endpoint, String repository, Descriptor blob, OciLayout layout) throws IOException {
        String task = "pull " + blob.digest().substring(7, 19);
        Optional<String> stored = http.get(endpoint, repository, "blobs/" + blob.digest(), "*/*", resp ->
                layout.writeBlob(resp.body(), blob.digest(), blob.size(), endpoint + "/" + repository,
                        done -> events.bytes(task, done, blob.size())));
        return stored.isPresent();
    }
}
