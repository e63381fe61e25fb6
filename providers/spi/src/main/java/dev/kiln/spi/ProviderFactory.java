package dev.kiln.spi;

import dev.kiln.api.ImageFormat;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The cheap entry point of a provider, listed in
 * {@code META-INF/services/dev.kiln.spi.ProviderFactory}. It must not touch the provider's SDK:
 * {@code kiln --help} loads every factory. The heavy client is built in {@link #create}.
 *
 * <p>The CLI owns the flags every cloud shares ({@code --name}, {@code --arch}, {@code --dry-run},
 * {@code --if-exists}, {@code --public}, {@code --share-with}, {@code --description}, {@code --tag} on push;
 * {@code --userdata}, {@code --userdata-file}, {@code --disk}, {@code --wait}, {@code --rm}, {@code --keep},
 * {@code --timeout}, {@code --tag} on run) and hands them over typed in the request. A provider declares only
 * its own options, and what it supports of the shared ones in {@link #runSupport()}.
 */
public interface ProviderFactory {

    /** Lower-case name used on the command line: {@code kiln push <name>}. */
    String name();

    /** One line for {@code kiln providers} and help. */
    String summary();

    /** Build outputs {@code push} takes, most preferred first (others are converted or refused). */
    Set<ImageFormat> accepts();

    /** Flags of {@code kiln push <name>} that are this cloud's own; empty list plus {@link #canPush()} false if it cannot push. */
    List<OptionSpec> pushOptions();

    /** Flags of {@code kiln run <name>} that are this cloud's own. */
    List<OptionSpec> runOptions();

    /** What {@code run} takes of the shared vocabulary: userdata size, {@code --disk} keys, waits. */
    default RunSupport runSupport() {
        return RunSupport.NONE;
    }

    /**
     * The push option that names where an image is published, which a {@code kiln publish} target's
     * {@code regions} (or {@code location}) fill: {@code region} or {@code location} when this provider declares
     * one. Empty when the provider publishes to one place only.
     */
    default Optional<String> locationOption() {
        return pushOptions().stream().map(OptionSpec::name).filter(n -> n.equals("region") || n.equals("location"))
                .findFirst();
    }

    /** What the IMAGE of {@code kiln run <name>} may be, for its help: "an AMI id or name". */
    default String runImage() {
        return "an image id or name";
    }

    /**
     * True when {@code kiln run <name> FILE} pushes a local image file (or build) first and starts the result
     * ({@link Provider#run(RunRequest, PushRequest)}); false when run takes only what the provider names itself.
     */
    default boolean runPushesLocalImages() {
        return false;
    }

    /** True when {@code kiln ls} and {@code kiln rm} work here: {@link Provider#list}, {@code find} and {@code remove}. */
    default boolean canList() {
        return false;
    }

    /**
     * Flags of {@code kiln ls <name>} and {@code kiln rm <name>}: where to look and with which credentials
     * (a region, a project, a state folder), usually the same specs push and run declare.
     */
    default List<OptionSpec> inventoryOptions() {
        return List.of();
    }

    default boolean canPush() {
        return true;
    }

    default boolean canRun() {
        return true;
    }

    /** Builds the provider for one command. Credentials are checked by push/run, not here. */
    Provider create(ProviderContext context);
}
