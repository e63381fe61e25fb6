package dev.kiln.disk.compress;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks on N threads and hands their results to one consumer in submission order, keeping at
 * most {@code depth} results in flight so memory stays bounded. With one thread the tasks run inline.
 * Tasks are pure functions of their input, so the consumer sees the same results whatever N is.
 */
public final class OrderedPipeline<R> implements AutoCloseable {

    /** Takes results in order on the submitting thread. */
    @FunctionalInterface
    public interface Consumer<R> {
        void accept(R result) throws IOException;
    }

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final ExecutorService executor;
    private final ArrayDeque<Future<R>> inFlight = new ArrayDeque<>();
    private final int depth;
    private final Consumer<R> consumer;

    public OrderedPipeline(int threads, int depth, Consumer<R> consumer) {
        int id = POOLS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        this.executor = threads <= 1 ? null : Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "kiln-compress-" + id + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.depth = Math.max(1, depth);
        this.consumer = consumer;
    }

    public void submit(Callable<R> task) throws IOException {
        if (executor == null) {
            consumer.accept(call(task));
            return;
        }
        while (inFlight.size() >= depth) {
            consumer.accept(await(inFlight.removeFirst()));
        }
        inFlight.addLast(executor.submit(task));
    }

    /** Waits for every submitted task and hands over the remaining results. */
    public void finish() throws IOException {
        while (!inFlight.isEmpty()) {
            consumer.accept(await(inFlight.removeFirst()));
        }
    }

    private static <R> R call(Callable<R> task) throws IOException {
        try {
            return task.call();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private static <R> R await(Future<R> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(cause);
        }
    }

    /**
     * Cancels what is in flight and waits for running tasks to stop: they may be using native
     * compressors or buffers that the caller frees right after (a writer that failed half-way, e.g.
     * an upload that was aborted), and freeing those under a running task crashes the JVM.
     */
    @Override
    public void close() {
        if (executor != null) {
            inFlight.forEach(f -> f.cancel(true));
            executor.shutdownNow();
            awaitStopped();
        }
    }

    private void awaitStopped() {
        boolean interrupted = false;
        while (true) {
            try {
                if (executor.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
