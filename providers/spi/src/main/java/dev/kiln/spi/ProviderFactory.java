package dev.kiln.spi;

import dev.kiln.build.Format;

import java.util.List;
import java.util.Set;

/**
 * The cheap entry point of a provider, listed in
 * {@code META-INF/services/dev.kiln.spi.ProviderFactory}. It must not touch the provider's SDK:
 * {@code kiln --help} loads every factory. The heavy client is built in {@link #create}.
 */
public interface ProviderFactory {

    /** Lower-case name used on the command line: {@code kiln push <name>}. */
    String name();

    /** One line for {@code kiln providers} and help. */
    String summary();

    /** Build outputs {@code push} takes (others are converted or refused). */
    Set<Format> accepts();

    /** Flags of {@code kiln push <name>}; empty list plus {@link #canPush()} false if it cannot push. */
    List<OptionSpec> pushOptions();

    /** Flags of {@code kiln run <name>}. */
    List<OptionSpec> runOptions();

    default boolean canPush() {
        return true;
    }

    default boolean canRun() {
        return true;
    }

    /** Builds the provider for one command. Credentials are checked by push/run, not here. */
    Provider create(ProviderContext context);
}
