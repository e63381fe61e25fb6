package dev.kiln.disk;

import dev.kiln.api.Events;

/** Progress events for one task, at most one per 1/256 of the total or 32 MiB, plus the last. */
final class Progress {

    private final Events events;
    private final String task;
    private final long total;
    private final long step;
    private long last = -1;

    Progress(Events events, String task, long total) {
        this.events = events;
        this.task = task;
        this.total = total;
        this.step = Math.max(32L << 20, total / 256);
    }

    void at(long done) {
        if (last < 0 || done - last >= step || done == total) {
            last = done;
            events.bytes(task, done, total);
        }
    }

    void done() {
        if (last != total) {
            last = total;
            events.bytes(task, total, total);
        }
    }
}
