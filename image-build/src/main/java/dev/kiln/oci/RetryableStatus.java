package dev.kiln.oci;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/** An HTTP answer worth trying again (5xx, 429), with the server's Retry-After when it sent one. */
final class RetryableStatus extends IOException {

    private final transient Optional<Duration> retryAfter;

    RetryableStatus(int status, String what, Optional<String> retryAfter) {
        super(what + " answered HTTP " + status);
        this.retryAfter = retryAfter.flatMap(RetryableStatus::seconds);
    }

    Optional<Duration> retryAfter() {
        return retryAfter;
    }

    private static Optional<Duration> seconds(String value) {
        try {
            return Optional.of(Duration.ofSeconds(Math.min(60, Long.parseLong(value.trim()))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
