package dev.kiln.aws;

import dev.kiln.api.Sleeper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves only when something sleeps on it: retries and polls take no real time in tests. */
final class FakeTime extends Clock {

    private Instant now = Instant.parse("2026-11-22T10:00:00Z");

    /** Waits by moving this clock on. */
    Sleeper sleeper() {
        return this::advance;
    }

    synchronized void advance(Duration d) {
        now = now.plus(d);
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
