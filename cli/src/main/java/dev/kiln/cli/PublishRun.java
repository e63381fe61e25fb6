package dev.kiln.cli;

import dev.kiln.api.CancelToken;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a publish's targets on {@code workers} threads. Every target runs to its own end (its provider cleans up what
 * it made when it fails) unless the token is cancelled: by Ctrl-C, or with fail-fast by the first failure. Targets
 * not started by then are reported as not started. The outcomes come back in the order of the targets file.
 */
final class PublishRun {

    private final List<PublishJob> jobs;
    private final int workers;
    private final boolean failFast;
    private final CancelToken cancel;
    private final AtomicReference<String> firstFailure = new AtomicReference<>();

    PublishRun(List<PublishJob> jobs, int workers, boolean failFast, CancelToken cancel) {
        this.jobs = List.copyOf(jobs);
        this.workers = workers;
        this.failFast = failFast;
        this.cancel = cancel;
    }

    List<PublishJob.Outcome> run() {
        AtomicInteger thread = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "kiln-publish-" + thread.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        // a cancel reaches the targets through the token alone, never as a thread interrupt: an interrupt in the
        // middle of a create call loses the id of what the cloud made, and then its cleanup cannot remove it
        try {
            List<Future<PublishJob.Outcome>> futures = new ArrayList<>();
            for (PublishJob job : jobs) {
                futures.add(pool.submit(() -> start(job)));
            }
            List<PublishJob.Outcome> outcomes = new ArrayList<>();
            for (Future<PublishJob.Outcome> future : futures) {
                outcomes.add(await(future));
            }
            return outcomes;
        } finally {
            pool.shutdown();
        }
    }

    private PublishJob.Outcome start(PublishJob job) {
        if (cancel.isCancelled()) {
            return PublishJob.Outcome.notStarted(job, notStarted());
        }
        PublishJob.Outcome outcome = job.run(cancel);
        if (outcome.failed() && failFast && firstFailure.compareAndSet(null, job.label)) {
            cancel.cancel();
        }
        return outcome;
    }

    private String notStarted() {
        String first = firstFailure.get();
        return first == null ? "not started: interrupted" : "not started: --fail-fast stopped the publish when "
                + first + " failed";
    }

    /**
     * The outcome of one target. An interrupt (Ctrl-C) cancels the publish and the wait goes on, so every target's
     * cleanup is awaited; the interrupt is not kept, so the result can still be written (Ctrl-C is known to the
     * command through its interrupts).
     */
    private PublishJob.Outcome await(Future<PublishJob.Outcome> future) {
        while (true) {
            try {
                return future.get();
            } catch (InterruptedException e) {
                cancel.cancel();
            } catch (ExecutionException e) {
                throw new IllegalStateException("a publish target failed outside its own error handling", e.getCause());
            }
        }
    }
}
