package dev.kiln.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C as a value every wait, upload and poller can see. SIGINT/SIGTERM {@link #cancel} it; hooks
 * registered with {@link #onCancel} then run once (close a client so a blocked call returns, abort an
 * upload). Code that waits sleeps through {@link #sleep} and so wakes at once. Cancellation surfaces as
 * {@link InterruptedException}, so code written for interrupts needs nothing else.
 */
public final class CancelToken {

    /** Something registered with {@link #onCancel}; close it once the guarded work is over. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    private final CountDownLatch cancelled = new CountDownLatch(1);
    private final List<Runnable> hooks = new ArrayList<>();

    /** A token nothing cancels but {@link #cancel}: for tests and library use. */
    public static CancelToken create() {
        return new CancelToken();
    }

    /** Trips the token and runs every hook once, newest first; later calls do nothing. */
    public void cancel() {
        List<Runnable> run;
        synchronized (this) {
            if (cancelled.getCount() == 0) {
                return;
            }
            cancelled.countDown();
            run = new ArrayList<>(hooks);
            hooks.clear();
        }
        for (int i = run.size() - 1; i >= 0; i--) {
            try {
                run.get(i).run();
            } catch (RuntimeException e) {
                // a hook that fails must not stop the others; the command reports the cancel itself
            }
        }
    }

    public boolean isCancelled() {
        return cancelled.getCount() == 0;
    }

    /** Throws {@link InterruptedException} when cancelled (or when the thread was interrupted). */
    public void throwIfCancelled() throws InterruptedException {
        if (isCancelled() || Thread.interrupted()) {
            throw new InterruptedException("cancelled");
        }
    }

    /** Runs {@code hook} when the token is cancelled, at once if it already is. */
    public Registration onCancel(Runnable hook) {
        synchronized (this) {
            if (!isCancelled()) {
                hooks.add(hook);
                return () -> {
                    synchronized (CancelToken.this) {
                        hooks.remove(hook);
                    }
                };
            }
        }
        hook.run();
        return () -> { };
    }

    /** Waits {@code duration}, returning early with {@link InterruptedException} when cancelled. */
    public void sleep(Duration duration) throws InterruptedException {
        throwIfCancelled();
        if (cancelled.await(Math.max(0, duration.toNanos()), TimeUnit.NANOSECONDS)) {
            throw new InterruptedException("cancelled");
        }
    }
}
