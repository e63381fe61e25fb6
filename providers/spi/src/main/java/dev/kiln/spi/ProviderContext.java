package dev.kiln.spi;

import dev.kiln.api.CancelToken;
import dev.kiln.api.Conversions;
import dev.kiln.api.Events;
import dev.kiln.api.Poll;
import dev.kiln.api.Retry;
import dev.kiln.api.Sleeper;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What a provider gets from the CLI for one command. Built by the CLI (or a test) through {@link #builder},
 * so new settings never break a provider.
 */
public final class ProviderContext {

    private final Options options;
    private final Map<String, String> env;
    private final Events events;
    private final Clock clock;
    private final Path workDir;
    private final CancelToken cancel;
    private final Sleeper sleeper;
    /** The sleeper the builder was given, null for the default: toBuilder passes it on as it came. */
    private final Sleeper injectedSleeper;
    private final CancelToken cleanupCancel = CancelToken.create();
    private final Sleeper cleanupSleeper;
    private final Conversions conversions;

    private ProviderContext(Builder b) {
        this.options = Objects.requireNonNull(b.options, "options");
        this.env = Map.copyOf(b.env);
        this.events = Objects.requireNonNull(b.events, "events");
        this.clock = Objects.requireNonNull(b.clock, "clock");
        this.workDir = Objects.requireNonNull(b.workDir, "workDir");
        this.cancel = Objects.requireNonNull(b.cancel, "cancel");
        this.injectedSleeper = b.sleeper;
        this.sleeper = b.sleeper == null ? Sleeper.on(cancel) : b.sleeper;
        this.cleanupSleeper = b.sleeper == null ? Sleeper.on(cleanupCancel) : b.sleeper;
        this.conversions = Objects.requireNonNull(b.conversions, "conversions");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Resolved flags of the command being run (the provider's own). */
    public Options options() {
        return options;
    }

    /** The environment (tests pass their own; never read System.getenv in a provider). */
    public Map<String, String> env() {
        return env;
    }

    /** Where to report progress and logs. */
    public Events events() {
        return events;
    }

    /** For timeouts and waits (tests pass a fake one). */
    public Clock clock() {
        return clock;
    }

    /** A private scratch directory for this command, deleted afterwards. */
    public Path workDir() {
        return workDir;
    }

    /** Tripped by Ctrl-C/SIGTERM: check it in loops, register hooks that close clients. */
    public CancelToken cancel() {
        return cancel;
    }

    /** How waits wait: wakes on cancel; a test's advances its fake clock. */
    public Sleeper sleeper() {
        return sleeper;
    }

    /**
     * The token of cleanup, which nothing cancels: undo steps run after Ctrl-C and must go on to the end (a
     * second Ctrl-C ends the process). Hand it to code that checks a token while removing what was made.
     */
    public CancelToken cleanupCancel() {
        return cleanupCancel;
    }

    /**
     * How cleanup waits: the sleeper a test injected (so its fake clock still moves), else a real sleep that
     * Ctrl-C does not cut short.
     */
    public Sleeper cleanupSleeper() {
        return cleanupSleeper;
    }

    /** {@code base} (one of this context's {@link #retry} policies) made to retry to the end after Ctrl-C too. */
    public Retry cleanupRetry(Retry base) {
        return base.toBuilder().cancel(cleanupCancel).sleeper(cleanupSleeper).build();
    }

    /** A poller for cleanup on this context's clock whose waits Ctrl-C does not cut short. */
    public Poll cleanupPoll(Duration interval, Duration timeout, String remedy) {
        return new Poll(clock, cleanupSleeper, interval, timeout, remedy);
    }

    /** The core's disk conversions (raw to VMDK, to GCE's tar.gz, a cidata ISO...). */
    public Conversions conversions() {
        return conversions;
    }

    /** kiln's retry policy on this context's clock, sleeper, cancel token and events; add a classifier. */
    public Retry.Builder retry() {
        return Retry.builder().clock(clock).sleeper(sleeper).cancel(cancel).events(events);
    }

    /** A poller on this context's clock and sleeper. */
    public Poll poll(Duration interval, Duration timeout, String remedy) {
        return new Poll(clock, sleeper, interval, timeout, remedy);
    }

    public Builder toBuilder() {
        return new Builder().options(options).env(env).events(events).clock(clock).workDir(workDir).cancel(cancel)
                .sleeper(injectedSleeper).conversions(conversions);
    }

    public static final class Builder {
        private Options options;
        private Map<String, String> env = Map.of();
        private Events events = Events.none();
        private Clock clock = Clock.systemUTC();
        private Path workDir;
        private CancelToken cancel = CancelToken.create();
        private Sleeper sleeper;
        private Conversions conversions;

        private Builder() {
        }

        public Builder options(Options value) {
            options = value;
            return this;
        }

        public Builder env(Map<String, String> value) {
            env = value;
            return this;
        }

        public Builder events(Events value) {
            events = value;
            return this;
        }

        public Builder clock(Clock value) {
            clock = value;
            return this;
        }

        public Builder workDir(Path value) {
            workDir = value;
            return this;
        }

        public Builder cancel(CancelToken value) {
            cancel = value;
            return this;
        }

        /** Defaults to sleeping on the cancel token. */
        public Builder sleeper(Sleeper value) {
            sleeper = value;
            return this;
        }

        public Builder conversions(Conversions value) {
            conversions = value;
            return this;
        }

        public ProviderContext build() {
            return new ProviderContext(this);
        }
    }
}
