package dev.kiln.oci;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /v2/<name>/blobs/<digest>} (OCI distribution-spec, "Pulling blobs"), streamed to the
 * cache while it is hashed; a blob whose content does not match its digest is refused and not stored.
 * A try that fails part-way is continued with {@code Range: bytes=N-} (RFC 9110 section 14.2),
 * which the distribution spec's registries serve; a server that answers with the whole blob
 * instead is read from the start.
 */
final class FetchBlob {

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");

    private final RegistryHttp http;
    private final Events events;

    FetchBlob(RegistryHttp http, Events events) {
        this.http = http;
        this.events = events;
    }

    /** Stores the blob in {@code layout}; false when the registry does not have it (404). */
    boolean fetch(Endpoint endpoint, String repository, Descriptor blob, OciLayout layout) throws IOException {
        String where = endpoint + "/" + repository;
        if (blob.size() < 0) {
            throw KilnException.tried("pull blob " + blob.digest() + " from " + where,
                    "its descriptor names no size", "check the image's manifest");
        }
        String task = "pull " + blob.digest().substring(7, 19);
        try (PartialBlob part = new PartialBlob(layout, blob, where)) {
            Optional<Boolean> got = http.get(endpoint, repository, "blobs/" + blob.digest(), "*/*",
                    () -> part.length() > 0 ? Map.of("Range", "bytes=" + part.length() + "-") : Map.of(),
                    blob.size(), resp -> {
                        try {
                            start(resp, part, where, blob);
                            part.append(resp, done -> events.bytes(task, done, blob.size()));
                            return true;
                        } catch (SocketTimeoutException e) {
                            throw new SocketTimeoutException("blob " + blob.digest() + " stalled after " + part.length()
                                    + " of " + blob.size() + " bytes: " + dev.kiln.api.KilnException.reason(e));
                        }
                    });
            if (got.isEmpty()) {
                return false;
            }
            part.store();
            return true;
        }
    }

    /** Lines the answer up with what already arrived: a 206 must start there, a 200 starts over. */
    private void start(Transport.Response resp, PartialBlob part, String where, Descriptor blob) throws IOException {
        if (resp.status() == 200) {
            if (part.length() > 0) {
                events.debug(where + " answered the range for " + blob.digest() + " with the whole blob; reading it again");
                part.restart();
            }
            return;
        }
        Matcher m = CONTENT_RANGE.matcher(resp.header("Content-Range").orElse(""));
        if (!m.matches() || Long.parseLong(m.group(1)) != part.length()) {
            resp.discard();
            part.restart();
            throw new IOException(where + " answered a range of blob " + blob.digest() + " that is not the one asked for ("
                    + resp.header("Content-Range").orElse("no Content-Range") + "); starting over");
        }
    }
}
