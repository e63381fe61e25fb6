package dev.kiln.gcp;

import dev.kiln.core.Events;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

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

    Sleeper sleeper() {
        return sleeper;
    }

    /** The call's answer; a failure becomes an operator message that starts "Tried to {action}". */
    <T> T call(String action, Supplier<T> op) throws InterruptedException {
        try {
            return attempt(action, op);
        } catch (RuntimeException e) {
            throw GcpErrors.tried(action, e);
        }
    }

    /** Like {@link #call}, but a 404 means "absent" and gives an empty answer. */
    <T> Optional<T> find(String action, Supplier<T> op) throws InterruptedException {
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
    <T> T attempt(String action, Supplier<T> op) throws InterruptedException {
        for (int n = 1; ; n++) {
            checkInterrupt();
            try {
                return op.get();
            } catch (RuntimeException e) {
                if (n >= backoff.attempts() || !GcpErrors.retryable(e)) {
                    throw e;
                }
                var pause = backoff.delay(n, ThreadLocalRandom.current().nextDouble());
                events.debug("retrying '" + action + "' in " + pause.toMillis() + " ms after "
                        + describe(e) + " (attempt " + n + " of " + backoff.attempts() + ")");
                sleeper.sleep(pause);
            }
        }
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
