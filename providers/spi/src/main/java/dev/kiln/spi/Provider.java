package dev.kiln.spi;

import java.util.List;

/**
 * One provider instance, made for a single command. Both operations clean up what they created
 * when they fail or are interrupted (Ctrl-C interrupts the calling thread), and say what was
 * cleaned in the {@link dev.kiln.api.KilnException} they throw.
 */
public interface Provider extends AutoCloseable {

    PushResult push(PushRequest request) throws InterruptedException;

    RunResult run(RunRequest request) throws InterruptedException;

    /**
     * {@code run} of a local image file or build, for a provider whose factory says
     * {@link ProviderFactory#runPushesLocalImages()}: the CLI has described IMAGE as {@code push} would
     * ({@code image}: its format, digest and boot modes), and the provider pushes it first (an image pushed before
     * is found again by its digest) and starts what it made.
     */
    default RunResult run(RunRequest request, PushRequest image) throws InterruptedException {
        throw new UnsupportedOperationException("run of a local image");
    }

    /**
     * {@code kiln ls}: what kiln made here of one kind, found by kiln's tags or labels (never everything the
     * account holds), newest first. Called only when the factory says {@link ProviderFactory#canList()}.
     */
    default List<Made> list(Made.Kind kind) throws InterruptedException {
        throw new UnsupportedOperationException("list");
    }

    /**
     * {@code kiln rm}'s lookup: the images and instances {@code idOrName} names, by id first, else by the name kiln
     * gave them. A thing found by id without kiln's tags comes back with {@link Made#byKiln()} false (the CLI
     * refuses it without {@code --force}). Empty when nothing matches.
     */
    default List<Made> find(String idOrName) throws InterruptedException {
        throw new UnsupportedOperationException("find");
    }

    /**
     * {@code kiln rm}: removes {@code made} and then its {@link Made#parts()}. A part already gone (the cloud's
     * "not found" answers) counts as removed. Returns what was removed, in order; a failure throws a
     * {@link dev.kiln.api.KilnException} that says what was removed and what is left, with how to remove it.
     */
    default List<Resource> remove(Made made) throws InterruptedException {
        throw new UnsupportedOperationException("remove");
    }

    @Override
    default void close() {
    }
}
