package dev.kiln.aws;

import dev.kiln.api.KilnException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/** Asks AWS again every interval until an answer is final or the wait times out. */
record Poller(Clock clock, Duration interval, Duration timeout) {

    /**
     * @param what  for the timeout message, e.g. "snapshot snap-1 to complete"
     * @param check empty while not done; a value when done (a failed state throws from check)
     */
    <T> T until(String what, Supplier<Optional<T>> check) throws InterruptedException {
        Instant deadline = clock.instant().plus(timeout);
        while (true) {
            Optional<T> done = check.get();
            if (done.isPresent()) {
                return done.get();
            }
            if (clock.instant().isAfter(deadline)) {
                throw KilnException.tried("wait for " + what, "it was not done after " + timeout.toMinutes()
                        + " min", "raise --wait-timeout");
            }
            Thread.sleep(interval.toMillis());
        }
    }
}
