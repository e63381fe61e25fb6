package dev.kiln.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Asks again every interval until an answer is final or the wait times out: snapshot completed, image
 * available, instance stopped. Time comes from a {@link Clock} and waits go through a {@link Sleeper}, so a
 * test drives it with a fake clock; cancellation ends it at once.
 *
 * @param remedy what the timeout message tells the operator to do, e.g. "raise --timeout"
 */
public record Poll(Clock clock, Sleeper sleeper, Duration interval, Duration timeout, String remedy) {

    /** One look; empty while not done, a value when done. A failed state throws. */
    @FunctionalInterface
    public interface Check<T> {
        Optional<T> get() throws InterruptedException;
    }

    public Poll {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        remedy = remedy == null ? "" : remedy;
    }

    public Poll withTimeout(Duration value) {
        return new Poll(clock, sleeper, interval, value, remedy);
    }

    /** @param what for the timeout message: "snapshot snap-1 to complete" */
    public <T> T until(String what, Check<T> check) throws InterruptedException {
        Instant deadline = clock.instant().plus(timeout);
        while (true) {
            Optional<T> done = check.get();
            if (done.isPresent()) {
                return done.get();
            }
            if (!clock.instant().isBefore(deadline)) {
                throw KilnException.tried("wait for " + what, "it was not done after " + human(timeout), remedy);
            }
            sleeper.sleep(interval);
        }
    }

    /** A duration in the units that fit, as messages print it: "500 ms", "10 s", "2 min 30 s", "1 h 5 min". */
    public static String human(Duration d) {
        if (d.toMillis() < 1000) {
            return d.toMillis() + " ms";
        }
        StringBuilder text = new StringBuilder();
        long[] amounts = {d.toHours(), d.toMinutesPart(), d.toSecondsPart()};
        String[] units = {"h", "min", "s"};
        for (int i = 0; i < amounts.length; i++) {
            if (amounts[i] > 0) {
                text.append(text.isEmpty() ? "" : " ").append(amounts[i]).append(' ').append(units[i]);
            }
        }
        return text.toString();
    }
}
