package dev.kiln.spi;

/**
 * One provider instance, made for a single command. Both operations clean up what they created
 * when they fail or are interrupted (Ctrl-C interrupts the calling thread), and say what was
 * cleaned in the {@link dev.kiln.api.KilnException} they throw.
 */
public interface Provider extends AutoCloseable {

    PushResult push(PushRequest request) throws InterruptedException;

    RunResult run(RunRequest request) throws InterruptedException;

    @Override
    default void close() {
    }
}
