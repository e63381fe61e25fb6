package dev.kiln.gcp;

import dev.kiln.api.Sleeper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** A clock that moves only when kiln sleeps, so waits of minutes take no time in tests. */
final class FakeTime extends Clock implements Sleeper {

    private Instant now = Instant.parse("2026-11-22T10:00:00Z");
    private final List<Duration> sleeps = new ArrayList<>();
    private int interruptAt = -1;

    /** The {@code nth} sleep (from 1) throws InterruptedException, as Ctrl-C would during a wait. */
    FakeTime interruptOnSleep(int nth) {
        interruptAt = nth;
        return this;
    }

    @Override
    public synchronized void sleep(Duration d) throws InterruptedException {
        sleeps.add(d);
        if (sleeps.size() == interruptAt) {
            throw new InterruptedException("Ctrl-C");
        }
        now = now.plus(d);
    }

    synchronized List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    synchronized Duration elapsed() {
        return Duration.between(Instant.parse("2026-11-22T10:00:00Z"), now);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public synchronized Instant instant() {
        return now;
    }
}
