package dev.kiln.testkit;

import dev.kiln.spi.ProviderFactory;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What points a provider at a stand-in: the environment (fake credentials, config files) and the push flags
 * (endpoints, fast polls). A harness applies it to a provider built in the test; a CLI test passes the same
 * as the environment and flags (or a publish target's options) of a real command.
 */
public record StandInSetup(Map<String, String> env, Map<String, List<String>> flags) {

    public StandInSetup {
        env = Map.copyOf(env);
        flags = Map.copyOf(flags);
    }

    public static StandInSetup create() {
        return new StandInSetup(Map.of(), Map.of());
    }

    public StandInSetup env(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(env);
        more.put(name, value);
        return new StandInSetup(more, flags);
    }

    public StandInSetup flag(String name, String value) {
        Map<String, List<String>> more = new LinkedHashMap<>(flags);
        more.put(name, List.of(value));
        return new StandInSetup(env, more);
    }

    /** A harness for {@code factory} with this environment and these flags. */
    public ProviderHarness harness(ProviderFactory factory, Path workDir) {
        ProviderHarness harness = new ProviderHarness(factory, workDir);
        env.forEach(harness::env);
        flags.forEach((name, values) -> harness.flag(name, values.toArray(String[]::new)));
        return harness;
    }
}
