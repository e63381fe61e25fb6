package dev.kiln.gcp;

import dev.kiln.api.CancelToken;
import dev.kiln.api.Events;
import dev.kiln.api.Poll;
import dev.kiln.api.Retry;
import dev.kiln.api.Sleeper;
import dev.kiln.spi.ProviderContext;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Every remote call of one command goes through here, with kiln's one {@link Retry} policy and
 * {@link GcpErrors#classifier}: throttled, unavailable and unanswered calls are tried again with full jitter
 * (Google asks for exponential backoff with jitter, cloud.google.com/storage/docs/retry-strategy);
 * everything else fails at once as an operator message. The SDK's own retries are off, so all waiting
 * goes through the context's sleeper. Only idempotent calls come here: inserts and deletes carry a
 * request id, uploads resume from what the server committed.
 */
final class GcpCalls {

    /** Attempts per call: 1 s, 2 s, 4 s ... at most 32 s apart (with full jitter, often less). */
    static final int ATTEMPTS = 7;
    /** A resumable session lives a week; a chunk may take as long as the link needs, so no shorter deadline. */
    private static final Duration UPLOAD_DEADLINE = Duration.ofDays(7);
    private static final Duration CLEANUP_DEADLINE = Duration.ofMinutes(5);

    private final Retry retry;
    private final Clock clock;
    private final Sleeper sleeper;
    private final CancelToken cancel;
    private final Events events;

    GcpCalls(Retry.Builder policy, Clock clock, Sleeper sleeper, CancelToken cancel, Events events) {
        this.retry = policy.attempts(ATTEMPTS).base(Duration.ofSeconds(1)).max(Duration.ofSeconds(32))
                .deadline(Duration.ofMinutes(10)).classifier(GcpErrors.classifier(clock)).build();
        this.clock = clock;
        this.sleeper = sleeper;
        this.cancel = cancel;
        this.events = events;
    }

    private GcpCalls(Retry retry, Clock clock, Sleeper sleeper, CancelToken cancel, Events events) {
        this.retry = retry;
        this.clock = clock;
        this.sleeper = sleeper;
        this.cancel = cancel;
        this.events = events;
    }

    /** One remote call, which may block on the network. */
    @FunctionalInterface
    interface Call<T> extends Retry.Attempt<T, RuntimeException> {
    }

    /** The call's answer; a failure becomes an operator message that starts "Tried to {action}". */
    <T> T call(String action, Call<T> op) throws InterruptedException {
        try {
            return retry.call(action, op);
        } catch (RuntimeException e) {
            throw GcpErrors.tried(action, e);
        }
    }

    /** Like {@link #call}, but a 404 means "absent" and gives an empty answer. */
    <T> Optional<T> find(String action, Call<T> op) throws InterruptedException {
        try {
            return Optional.ofNullable(retry.call(action, op));
        } catch (RuntimeException e) {
            if (GcpErrors.notFound(e)) {
                return Optional.empty();
            }
            throw GcpErrors.tried(action, e);
        }
    }

    /** Retries, then rethrows the failure as it was, so the caller can look at its status. */
    <T> T attempt(String action, Call<T> op) throws InterruptedException {
        return retry.call(action, op);
    }

    /** The policy for one upload request and its resumption: as many attempts, no deadline shorter than a session. */
    Retry upload() {
        return retry.toBuilder().deadline(UPLOAD_DEADLINE).build();
    }

    /** Waits for GCE operations and instance states on this command's clock, sleeper and cancel token. */
    Poll poll(Duration interval, Duration timeout, String remedy) {
        return new Poll(clock, sleeper, interval, timeout, remedy);
    }

    Clock clock() {
        return clock;
    }

    CancelToken cancel() {
        return cancel;
    }

    Events events() {
        return events;
    }

    /**
     * Calls for cleanup after a failure or Ctrl-C: they must run although the command's token is cancelled,
     * so they take the context's cleanup token and sleeper ({@link ProviderContext#cleanupRetry}). Fewer
     * attempts: a second Ctrl-C ends the process anyway.
     */
    GcpCalls forCleanup(ProviderContext context) {
        Retry again = context.cleanupRetry(retry.toBuilder().attempts(3).deadline(CLEANUP_DEADLINE).build());
        return new GcpCalls(again, clock, context.cleanupSleeper(), context.cleanupCancel(), events);
    }
}
