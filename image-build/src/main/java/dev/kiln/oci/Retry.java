package dev.kiln.oci;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * Runs a remote operation again after connection errors, timeouts, 5xx and 429, waiting twice as
 * long each time (or what Retry-After says). Refused content and denied access are not retried.
 */
final class Retry {

    /** One remote operation, repeated whole on failure. */
    @FunctionalInterface
    interface Operation<T> {
        T run() throws IOException, InterruptedException;
    }

    private final int attempts;
    private final Duration first;
    private final Events events;

    Retry(int attempts, Duration first, Events events) {
        this.attempts = attempts;
        this.first = first;
        this.events = events;
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
                Duration pause = e instanceof RetryableStatus r ? r.retryAfter().orElse(wait) : wait;
                events.warn(what + " failed (" + describe(e) + "); trying again in " + pause.toMillis() + " ms ("
                        + (attempt + 1) + "/" + attempts + ")");
                sleep(pause, what);
                wait = wait.multipliedBy(2);
            }
        }
    }

    static String describe(IOException e) {
        if (e instanceof HttpTimeoutException) {
            return "timed out";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void sleep(Duration pause, String what) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KilnException.tried(what, "kiln was interrupted", "");
        }
    }
}
