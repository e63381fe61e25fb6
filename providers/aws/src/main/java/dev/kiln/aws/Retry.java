package dev.kiln.aws;

import dev.kiln.api.Events;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Attempts one call again after throttling, 5xx, broken connections or a slow attempt, sleeping
 * with "full jitter" between attempts (random in [0, min(cap, base * 2^n)]; AWS Architecture Blog,
 * "Exponential Backoff And Jitter"), within a deadline for the whole operation.
 *
 * @param attempts  most attempts, the first included
 * @param base      first back-off ceiling
 * @param cap       largest back-off ceiling
 * @param operation longest time for all attempts together
 */
record Retry(int attempts, Duration base, Duration cap, Duration operation) {

    static Retry standard() {
        return new Retry(8, Duration.ofMillis(200), Duration.ofSeconds(20), Duration.ofMinutes(5));
    }

    Retry withBase(Duration value) {
        return new Retry(attempts, value, cap, operation);
    }

    <T> T call(String what, Events events, Supplier<T> op) throws InterruptedException {
        return call(what, events, op, AwsErrors::retryable);
    }

    <T> T call(String what, Events events, Supplier<T> op, Predicate<RuntimeException> again)
            throws InterruptedException {
        long deadline = System.nanoTime() + operation.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                return op.get();
            } catch (RuntimeException e) {
                if (AwsErrors.interrupted(e)) {
                    throw interruption(e);
                }
                long pause = pause(attempt);
                if (attempt >= attempts || !again.test(e) || System.nanoTime() + pause * 1_000_000 > deadline) {
                    throw e;
                }
                events.debug(what + ": attempt " + attempt + " failed (" + AwsErrors.rootMessage(e) + "), retrying in "
                        + pause + " ms");
                Thread.sleep(pause);
            }
        }
    }

    private long pause(int attempt) {
        long ceiling = Math.min(cap.toMillis(), base.toMillis() << Math.min(attempt - 1, 20));
        return ThreadLocalRandom.current().nextLong(ceiling + 1);
    }

    private static InterruptedException interruption(RuntimeException e) {
        InterruptedException ie = new InterruptedException("interrupted");
        ie.initCause(e);
        return ie;
    }
}
