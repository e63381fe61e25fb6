package dev.kiln.oci;

import java.io.IOException;
import java.util.Optional;

/** An HTTP answer worth trying again (5xx, 429), with the server's Retry-After value when it sent one. */
final class RetryableStatus extends IOException {

    private final transient Optional<String> retryAfter;

    RetryableStatus(int status, String what, Optional<String> retryAfter) {
        super(what + " answered HTTP " + status);
        this.retryAfter = retryAfter;
    }

    /** The raw header value; {@link Retry#retryAfter} reads it against a clock. */
    Optional<String> retryAfter() {
        return retryAfter;
    }
}
