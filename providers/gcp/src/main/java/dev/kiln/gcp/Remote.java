package dev.kiln.gcp;

import dev.kiln.api.Events;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs one remote call with kiln's retry policy: throttled and unavailable answers are tried
 * again after an exponential pause; everything else fails at once, mapped by {@link GcpErrors}.
 * The SDK's own retries are switched off so that all waiting goes through one {@link Sleeper}.
 */
final class Remote {

    private final Backoff backoff;
    private final Sleeper sleeper;
    private final Events events;

    Remote(Backoff backoff, Sleeper sleeper, Events events) {
        this.backoff = backoff;
        this.sleeper = sleeper;
        this.events = events;
    }

    /** One remote call; it may block on the network, so it may be interrupted. */
    @FunctionalInterface
    interface Call<T> {
        T get() throws InterruptedException;
    }

    Sleeper sleeper() {
        return sleeper;
    }

    /** The call's answer; a failure becomes an operator message that starts "Tried to {action}". */
    <T> T call(String action, Call<T> op) throws InterruptedException {
        try {
            return attempt(action, op);
        } catch (RuntimeException e) {
            throw GcpErrors.tried(action, e);
        }
    }

    /** Like {@link #call}, but a 404 means "absent" and gives an empty answer. */
    <T> Optional<T> find(String action, Call<T> op) throws InterruptedException {
        try {
            return Optional.ofNullable(attempt(action, op));
        } catch (RuntimeException e) {
            if (GcpErrors.notFound(e)) {
                return Optional.empty();
            }
            throw GcpErrors.tried(action, e);
        }
    }

    /** Retries, then rethrows the SDK's own exception so callers can look at its status. */
    <T> T attempt(String action, Call<T> op) throws InterruptedException {
        for (int n = 1; ; n++) {
            checkInterrupt();
            try {
                return op.get();
            } catch (RuntimeException e) {
                if (!GcpErrors.retryable(e) || !pause(action, n, describe(e))) {
                    throw e;
                }
            }
        }
    }

    /**
     * After failed attempt {@code n} (from 1): false when that was the last one allowed; otherwise
     * logs why and waits the backoff before the caller tries again.
     */
    boolean pause(String action, int n, String why) throws InterruptedException {
        if (n >= backoff.attempts()) {
            return false;
        }
        var pause = backoff.delay(n, ThreadLocalRandom.current().nextDouble());
        events.debug("retrying '" + action + "' in " + pause.toMillis() + " ms after "
                + why + " (attempt " + n + " of " + backoff.attempts() + ")");
        sleeper.sleep(pause);
        return true;
    }

    static void checkInterrupt() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted");
        }
    }

    private static String describe(RuntimeException e) {
        int status = GcpErrors.status(e);
        return status == 0 ? e.getClass().getSimpleName() : "HTTP " + status;
    }
}
