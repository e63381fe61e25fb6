package dev.kiln.cli;

import dev.kiln.api.CancelToken;
import dev.kiln.spi.Cleanup;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Ctrl-C and SIGTERM. The first signal trips the command's {@link CancelToken} (waits, uploads and pollers
 * see it; hooks close clients so blocked calls return) and interrupts the command's thread as a fallback;
 * the command then cleans up what it made, prints its result and exits with 130. A second signal exits at
 * once, saying what may be left and how to remove it.
 */
public final class Interrupts {

    /** How long a shutdown (SIGTERM from a supervisor, the JVM exiting) waits for the command's cleanup. */
    private static final long CLEANUP_SECONDS = 90;

    private final Thread worker;
    private final CancelToken token = CancelToken.create();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile int signals;

    public Interrupts(Thread worker) {
        this.worker = worker;
    }

    public static Interrupts none() {
        return new Interrupts(null);
    }

    /** The token the command's provider context carries. */
    public CancelToken token() {
        return token;
    }

    /**
     * One Ctrl-C: the first cancels and returns (the command's thread cleans up and exits); the second
     * halts the JVM with 130 after saying what may be left.
     */
    void onSignal(PrintStream err, IntConsumer halt) {
        if (worker == null || finished.getCount() == 0) {
            return;
        }
        int n;
        synchronized (this) {
            n = ++signals;
        }
        if (n == 1) {
            err.println("kiln: interrupted; cleaning up what was made (Ctrl-C again to exit at once)");
            token.cancel();
            worker.interrupt();
            return;
        }
        List<String> left = Cleanup.pendingEverywhere();
        err.println("kiln: exiting at once; " + (left.isEmpty() ? "nothing made is known to be left"
                : "these may be left: " + String.join("; ", left)));
        err.flush();
        halt.accept(Kiln.INTERRUPTED);
    }

    /** The JVM is shutting down (SIGTERM, SIGHUP): cancel, and give the command's cleanup time to finish. */
    void onShutdown() {
        if (worker == null || finished.getCount() == 0) {
            return;
        }
        signals = Math.max(signals, 1);
        token.cancel();
        worker.interrupt();
        try {
            finished.await(CLEANUP_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean signalled() {
        return signals > 0 || token.isCancelled();
    }

    void done() {
        finished.countDown();
    }
}
