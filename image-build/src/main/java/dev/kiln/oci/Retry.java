package dev.kiln.oci;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Runs a remote operation again after connection errors, timeouts, 5xx and 429, waiting twice as
 * long each time, or what the server's {@code Retry-After} says (RFC 9110 section 10.2.3: a number
 * of seconds or an HTTP-date, read against the injected clock). Refused content and denied access
 * are not retried. The clock and the sleeper are injectable so tests never wait.
 */
final class Retry {

    /** The longest pause a server's Retry-After may impose on one try. */
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);

    /** One remote operation, repeated whole on failure; it may pick up where the last try stopped. */
    @FunctionalInterface
    interface Operation<T> {
        T run() throws IOException, InterruptedException;
    }

    /** Waits; {@link Thread#sleep} in production, a recorder in tests. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration pause) throws InterruptedException;

        Sleeper REAL = pause -> Thread.sleep(pause.toMillis());
    }

    private final int attempts;
    private final Duration first;
    private final Events events;
    private final Clock clock;
    private final Sleeper sleeper;

    Retry(int attempts, Duration first, Events events) {
        this(attempts, first, events, Clock.systemUTC(), Sleeper.REAL);
    }

    Retry(int attempts, Duration first, Events events, Clock clock, Sleeper sleeper) {
        this.attempts = attempts;
        this.first = first;
        this.events = events;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    Clock clock() {
        return clock;
    }

    <T> T run(String what, Operation<T> op) throws IOException {
        Duration wait = first;
        for (int attempt = 1; ; attempt++) {
            try {
                return op.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw KilnException.tried(what, "kiln was interrupted", "");
            } catch (IOException e) {
                if (attempt >= attempts) {
                    throw e;
                }
                Duration pause = e instanceof RetryableStatus r
                        ? r.retryAfter().flatMap(v -> retryAfter(v, clock.instant())).orElse(wait) : wait;
                events.warn(what + " failed (" + describe(e) + "); trying again in " + pause.toMillis() + " ms ("
                        + (attempt + 1) + "/" + attempts + ")");
                sleep(pause, what);
                wait = wait.multipliedBy(2);
            }
        }
    }

    /**
     * The pause a {@code Retry-After} value asks for at {@code now}: delay-seconds or an HTTP-date
     * (IMF-fixdate, as RFC 1123), at most {@link #MAX_RETRY_AFTER}, zero for a date in the past;
     * empty when the value is neither.
     */
    static Optional<Duration> retryAfter(String value, Instant now) {
        String v = value.trim();
        if (v.matches("\\d{1,18}")) {
            return Optional.of(min(Duration.ofSeconds(Long.parseLong(v))));
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(now, at);
            return Optional.of(d.isNegative() ? Duration.ZERO : min(d));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Duration min(Duration d) {
        return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
    }

    static String describe(IOException e) {
        if (e instanceof HttpTimeoutException || (e instanceof SocketTimeoutException && e.getMessage() == null)) {
            return "timed out";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private void sleep(Duration pause, String what) {
        try {
            sleeper.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KilnException.tried(what, "kiln was interrupted", "");
        }
    }
}
