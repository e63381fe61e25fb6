package dev.kiln.spi.http;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Ends an exchange in which nothing moved for the call's timeout: it wakes when the timeout would
 * be up counted from the last byte sent or received, and closes the connection only if no byte
 * moved since, so a large upload on a slow but live link is never cut short while a stalled one
 * ends after the timeout. Closing the channel is what unblocks the thread stuck on it.
 */
final class Watchdog implements Runnable {

    /** One daemon thread for every client's watchdogs; it only closes channels. */
    private static final class Timer {
        static final ScheduledThreadPoolExecutor THREAD = start();

        private static ScheduledThreadPoolExecutor start() {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "kiln-http-watchdog");
                t.setDaemon(true);
                return t;
            });
            timer.setRemoveOnCancelPolicy(true);
            return timer;
        }
    }

    private final Http1Connection connection;
    private final long limit;
    private ScheduledFuture<?> next;
    private boolean stopped;

    /** Starts watching {@code connection}, counting silence from now. */
    Watchdog(Http1Connection connection, long limitNanos) {
        this.connection = connection;
        this.limit = limitNanos;
        connection.progressed();
        schedule(limitNanos);
    }

    private synchronized void schedule(long nanos) {
        next = Timer.THREAD.schedule(this, nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public synchronized void run() {
        if (stopped) {
            return;
        }
        long quiet = connection.quietNanos();
        if (quiet >= limit) {
            connection.expire();
        } else {
            schedule(limit - quiet);
        }
    }

    synchronized void stop() {
        stopped = true;
        next.cancel(false);
    }
}
