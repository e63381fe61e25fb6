package dev.kiln.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;

/**
 * kiln's one retry policy. An attempt that fails in a way the {@link Classifier} calls transient is tried
 * again after a pause with full jitter (random in [0, min(max, base * 2^n)]; AWS Architecture Blog,
 * "Exponential Backoff And Jitter"), or after the server's {@code Retry-After} when it gave one, within a
 * total deadline for the operation. Pauses go through a {@link Sleeper} and time through a {@link Clock},
 * so tests never sleep; cancellation stops it at once. Only idempotent calls may be retried: a mutating call
 * is retried only where it carries a client token, or after a lookup shows it did not happen.
 */
public final class Retry {

    /** One try of the operation. */
    @FunctionalInterface
    public interface Attempt<T, E extends Exception> {
        T run() throws E, InterruptedException;
    }

    /** Whether a failure is worth another attempt, and after how long the server asked for. */
    public record Decision(boolean retry, Optional<Duration> after, String reason) {

        public static Decision fail() {
            return new Decision(false, Optional.empty(), "");
        }

        public static Decision again(String reason) {
            return new Decision(true, Optional.empty(), reason);
        }

        public static Decision againAfter(String reason, Optional<Duration> after) {
            return new Decision(true, after, reason);
        }
    }

    /** Looks at a failure; must not throw. */
    @FunctionalInterface
    public interface Classifier extends Function<Exception, Decision> {
    }

    private final int attempts;
    private final Duration base;
    private final Duration max;
    private final Duration deadline;
    private final Clock clock;
    private final Sleeper sleeper;
    private final CancelToken cancel;
    private final Random random;
    private final Events events;
    private final Classifier classifier;
    private final boolean warn;

    private Retry(Builder b) {
        this.attempts = b.attempts;
        this.base = b.base;
        this.max = b.max;
        this.deadline = b.deadline;
        this.clock = b.clock;
        this.sleeper = b.sleeper;
        this.cancel = b.cancel;
        this.random = b.random;
        this.events = b.events;
        this.classifier = Objects.requireNonNull(b.classifier, "classifier");
        this.warn = b.warn;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A copy of this policy's settings, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.attempts = attempts;
        b.base = base;
        b.max = max;
        b.deadline = deadline;
        b.clock = clock;
        b.sleeper = sleeper;
        b.cancel = cancel;
        b.random = random;
        b.events = events;
        b.classifier = classifier;
        b.warn = warn;
        return b;
    }

    public int attempts() {
        return attempts;
    }

    public Duration deadline() {
        return deadline;
    }

    /**
     * Runs {@code op} until it succeeds, fails for good, or the attempts or the deadline run out; then the
     * last failure is thrown as it was.
     */
    public <T, E extends Exception> T call(String what, Attempt<T, E> op) throws E, InterruptedException {
        Instant end = clock.instant().plus(deadline);
        for (int n = 1; ; n++) {
            cancel.throwIfCancelled();
            try {
                return op.run();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (cancel.isCancelled()) {
                    throw cancelled(e);
                }
                Decision d = classifier.apply(e);
                Duration pause = d.after().isPresent() ? d.after().get() : jitter(n);
                if (!d.retry() || n >= attempts || clock.instant().plus(pause).isAfter(end)) {
                    throw Retry.<E>rethrow(e);
                }
                String line = what + " failed (" + d.reason() + "); trying again in " + pause.toMillis() + " ms ("
                        + (n + 1) + "/" + attempts + ")";
                if (warn) {
                    events.warn(line);
                } else {
                    events.debug(line);
                }
                sleeper.sleep(pause);
            }
        }
    }

    /** The pause after failed attempt {@code n} (from 1): uniform in [0, min(max, base * 2^(n-1))]. */
    Duration jitter(int n) {
        long ceiling = Math.min(max.toMillis(), base.toMillis() << Math.min(n - 1, 30));
        return Duration.ofMillis((long) (random.nextDouble() * (ceiling + 1)));
    }

    @SuppressWarnings("unchecked")
    private static <E extends Exception> E rethrow(Exception e) {
        if (e instanceof RuntimeException r) {
            throw r;
        }
        return (E) e;
    }

    private static InterruptedException cancelled(Exception cause) {
        InterruptedException e = new InterruptedException("cancelled");
        e.initCause(cause);
        return e;
    }

    /**
     * A {@code Retry-After} header in either form (RFC 9110 10.2.3): delta-seconds, or an HTTP-date, taken
     * relative to {@code clock}. Empty when absent or unreadable; never negative.
     */
    public static Optional<Duration> retryAfter(String value, Clock clock) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = value.trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(clock.instant(), at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
    }

    /** Settings; the defaults are 8 attempts, 200 ms base, 20 s max pause, 5 min in all. */
    public static final class Builder {
        private int attempts = 8;
        private Duration base = Duration.ofMillis(200);
        private Duration max = Duration.ofSeconds(20);
        private Duration deadline = Duration.ofMinutes(5);
        private Clock clock = Clock.systemUTC();
        private CancelToken cancel = CancelToken.create();
        private Sleeper sleeper = Sleeper.on(cancel);
        private Random random = new Random();
        private Events events = Events.none();
        private Classifier classifier;
        private boolean warn;

        private Builder() {
        }

        /** Say each retry as a warning (the operator waits on it), not as a debug line. */
        public Builder warnOnRetry(boolean value) {
            warn = value;
            return this;
        }

        public Builder attempts(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("attempts must be at least 1");
            }
            attempts = value;
            return this;
        }

        public Builder base(Duration value) {
            base = Objects.requireNonNull(value);
            return this;
        }

        public Builder max(Duration value) {
            max = Objects.requireNonNull(value);
            return this;
        }

        /** The longest time all attempts together may take. */
        public Builder deadline(Duration value) {
            deadline = Objects.requireNonNull(value);
            return this;
        }

        public Builder clock(Clock value) {
            clock = Objects.requireNonNull(value);
            return this;
        }

        public Builder sleeper(Sleeper value) {
            sleeper = Objects.requireNonNull(value);
            return this;
        }

        public Builder cancel(CancelToken value) {
            cancel = Objects.requireNonNull(value);
            return this;
        }

        public Builder random(Random value) {
            random = Objects.requireNonNull(value);
            return this;
        }

        public Builder events(Events value) {
            events = Objects.requireNonNull(value);
            return this;
        }

        public Builder classifier(Classifier value) {
            classifier = Objects.requireNonNull(value);
            return this;
        }

        public Retry build() {
            return new Retry(this);
        }
    }
}
