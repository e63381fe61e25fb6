package dev.kiln.api;

import java.time.Duration;

/** How waits wait: the real one sleeps on the cancel token; tests pass one that advances a fake clock. */
@FunctionalInterface
public interface Sleeper {

    void sleep(Duration duration) throws InterruptedException;

    /** Sleeps for real, waking at once when {@code token} is cancelled. */
    static Sleeper on(CancelToken token) {
        return token::sleep;
    }
}
