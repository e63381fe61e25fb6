package dev.kiln.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C handling. The JVM runs shutdown hooks on SIGINT; the hook interrupts the command's
 * thread, whose finally blocks clean up what was made, and waits for that to finish.
 */
public final class Interrupts {

    private static final long CLEANUP_SECONDS = 120;

    private final Thread worker;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean signalled;

    public Interrupts(Thread worker) {
        this.worker = worker;
    }

    public static Interrupts none() {
        return new Interrupts(null);
    }

    void onSignal() {
        if (worker == null || finished.getCount() == 0) {
            return;
        }
        signalled = true;
        worker.interrupt();
        try {
            finished.await(CLEANUP_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean signalled() {
        return signalled;
    }

    void done() {
        finished.countDown();
    }
}
