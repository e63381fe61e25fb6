package dev.kiln.spi;

import dev.kiln.core.Events;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * What a provider gets from the CLI.
 *
 * @param options resolved flags of the command being run
 * @param env     the environment (tests pass their own; never read System.getenv in a provider)
 * @param events  where to report progress and logs
 * @param clock   for timeouts and waits (tests pass a fast one)
 * @param workDir a private scratch directory for this command, deleted afterwards
 */
public record ProviderContext(Options options, Map<String, String> env, Events events, Clock clock, Path workDir) {

    public ProviderContext {
        Objects.requireNonNull(options, "options");
        env = Map.copyOf(env);
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(workDir, "workDir");
    }
}
