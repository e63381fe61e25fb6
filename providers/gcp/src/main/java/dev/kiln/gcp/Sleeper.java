package dev.kiln.gcp;

import java.time.Duration;

/** Waits between polls and retries; tests pass one that advances a fake clock instead of sleeping. */
@FunctionalInterface
interface Sleeper {

    Sleeper REAL = d -> Thread.sleep(d.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
