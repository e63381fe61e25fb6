package dev.kiln.testkit;

import dev.kiln.api.Sleeper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * A clock that moves only when kiln sleeps on it: retries, polls and waits of minutes take no real time in
 * tests. Pass it as both the context's clock and its sleeper ({@code harness.clock(time).sleeper(time)}).
 */
public final class FakeTime extends Clock implements Sleeper {

    private static final Instant START = Instant.parse("2026-11-22T10:00:00Z");

    private Instant now = START;
    private final List<Duration> sleeps = new ArrayList<>();
    private int interruptAt = -1;

    /** The {@code nth} sleep (from 1) throws InterruptedException, as Ctrl-C would during a wait. */
    public FakeTime interruptOnSleep(int nth) {
        interruptAt = nth;
        return this;
    }

    /** This clock as a sleeper. */
    public Sleeper sleeper() {
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

    /** Moves the clock on without counting a sleep. */
    public synchronized void advance(Duration d) {
        now = now.plus(d);
    }

    public synchronized List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    public synchronized Duration elapsed() {
        return Duration.between(START, now);
    }

    @Override
    public synchronized Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
