package dev.kiln.gcp;

import java.time.Duration;
import java.util.Objects;

/**
 * Retry pacing for throttled (429) and unavailable (5xx) answers: exponential from
 * {@code initial} up to {@code max}, at most {@code attempts} tries in all. Google asks clients
 * to back off exponentially with jitter (cloud.google.com/storage/docs/retry-strategy).
 */
record Backoff(Duration initial, Duration max, int attempts) {

    static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(32), 7);

    Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
    }

    /** The pause before attempt {@code n + 1} (n counts from 1), with up to 25% jitter. */
    Duration delay(int n, double jitter) {
        long base = initial.toMillis() << Math.min(n - 1, 20);
        long capped = Math.min(base, max.toMillis());
        return Duration.ofMillis(capped - (long) (capped * 0.25 * jitter));
    }
}
