package dev.kiln.oci;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.api.Sleeper;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Registry calls on kiln's one retry policy ({@link dev.kiln.api.Retry}): connection errors, timeouts, 5xx and
 * 429 are tried again after a full-jitter pause, or after what the server's {@code Retry-After} asks (capped at
 * {@link #MAX_RETRY_AFTER}). Refused content and denied access are thrown as {@link KilnException}s and are not
 * retried. Each retry is said as a warning: the operator is waiting on it.
 */
final class Retry {

    /** The longest pause a server's Retry-After may impose on one try. */
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);

    /** One remote operation, repeated whole on failure; it may pick up where the last try stopped. */
    @FunctionalInterface
    interface Operation<T> {
        T run() throws IOException, InterruptedException;
    }

    private final dev.kiln.api.Retry policy;
    private final Clock clock;

    Retry(int attempts, Duration first, Events events) {
        this(attempts, first, events, Clock.systemUTC(), pause -> Thread.sleep(pause.toMillis()));
    }

    Retry(int attempts, Duration first, Events events, Clock clock, Sleeper sleeper) {
        this.clock = clock;
        this.policy = dev.kiln.api.Retry.builder().attempts(attempts).base(first).max(Duration.ofSeconds(30))
                .deadline(Duration.ofDays(1)).clock(clock).sleeper(sleeper).events(events).warnOnRetry(true)
                .classifier(e -> e instanceof IOException io
                        ? dev.kiln.api.Retry.Decision.againAfter(describe(io), serverPause(io))
                        : dev.kiln.api.Retry.Decision.fail())
                .build();
    }

    Clock clock() {
        return clock;
    }

    <T> T run(String what, Operation<T> op) throws IOException {
        try {
            return policy.call(what, op::run);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KilnException.tried(what, "kiln was interrupted", "");
        }
    }

    private Optional<Duration> serverPause(IOException e) {
        return e instanceof RetryableStatus r ? r.retryAfter().flatMap(v -> retryAfter(v, clock.instant()))
                : Optional.empty();
    }

    /**
     * The pause a {@code Retry-After} value asks for at {@code now}: delay-seconds or an HTTP-date, at most
     * {@link #MAX_RETRY_AFTER}, zero for a date in the past; empty when the value is neither.
     */
    static Optional<Duration> retryAfter(String value, Instant now) {
        return dev.kiln.api.Retry.retryAfter(value, Clock.fixed(now, java.time.ZoneOffset.UTC))
                .map(d -> d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d);
    }

    static String describe(IOException e) {
        if (e instanceof HttpTimeoutException || (e instanceof SocketTimeoutException && e.getMessage() == null)) {
            return "timed out";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
