package dev.kiln.aws;

import software.amazon.awssdk.services.s3.model.CompletedPart;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * A channel that cuts what is written to it into parts of {@link PartPlan#partSize()} and sends
 * each full part while the writer goes on, {@link PartPlan#parallel()} at a time. Parts live in a
 * fixed set of buffers: when all are full or in flight, {@link #write} waits, so memory stays at
 * {@code buffers x partSize} whatever the length of the stream. The first part that fails for good
 * fails the next write, and {@link #close} stops the senders before anyone aborts the upload.
 */
final class PartStream implements WritableByteChannel {

    private final MultipartUpload upload;
    private final PartPlan plan;
    private final LongConsumer sent;
    private final BlockingQueue<byte[]> free;
    private final ExecutorService senders;
    private final ConcurrentSkipListMap<Integer, CompletedPart> done = new ConcurrentSkipListMap<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private int allocated;
    private byte[] current;
    private int filled;
    private int submitted;
    private long written;
    private long sentBytes;
    private boolean open = true;

    PartStream(MultipartUpload upload, PartPlan plan, LongConsumer sent) {
        this.upload = upload;
        this.plan = plan;
        this.sent = sent;
        this.free = new ArrayBlockingQueue<>(plan.buffers());
        this.senders = Executors.newFixedThreadPool(plan.parallel(), r -> {
            Thread t = new Thread(r, "kiln-s3-part");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int n = src.remaining();
        while (src.hasRemaining()) {
            if (current == null) {
                current = buffer();
                filled = 0;
            }
            int take = Math.min(src.remaining(), current.length - filled);
            src.get(current, filled, take);
            filled += take;
            if (filled == current.length) {
                send();
            }
        }
        written += n;
        return n;
    }

    /**
     * Sends the last part (an empty stream still makes one empty part, as S3 needs one) and waits
     * for every part to arrive.
     *
     * @return the parts in order, for CompleteMultipartUpload
     */
    List<CompletedPart> finish() throws IOException, InterruptedException {
        if (current != null && filled > 0 || submitted == 0) {
            if (current == null) {
                current = buffer();
                filled = 0;
            }
            send();
        }
        senders.shutdown();
        while (!senders.awaitTermination(1, TimeUnit.SECONDS)) {
            check();
        }
        check();
        return new ArrayList<>(done.values());
    }

    /** Bytes written to the stream: the object's size once finished. */
    long written() {
        return written;
    }

    int parts() {
        return submitted;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Stops sending and waits for parts in flight to give up, so none lands after an abort. */
    @Override
    public void close() {
        open = false;
        senders.shutdownNow();
        try {
            if (!senders.awaitTermination(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("S3 part uploads did not stop within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void send() {
        byte[] data = current;
        int length = filled;
        int number = ++submitted;
        current = null;
        senders.execute(() -> {
            try {
                done.put(number, upload.upload(number, data, length));
                report(length);
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            } finally {
                free.add(data);
            }
        });
    }

    private synchronized void report(int length) {
        sentBytes += length;
        sent.accept(sentBytes);
    }

    private byte[] buffer() throws IOException {
        check();
        byte[] b = free.poll();
        if (b == null && allocated < plan.buffers()) {
            allocated++;
            return new byte[(int) plan.partSize()];
        }
        try {
            while (b == null) {
                b = free.poll(1, TimeUnit.SECONDS);
                check();
            }
            return b;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("stopped while waiting for S3 to take a part");
        }
    }

    /** Rethrows the first part's failure on the writer's thread. */
    private void check() throws IOException {
        Throwable e = failure.get();
        if (e == null) {
            return;
        }
        if (e instanceof InterruptedException) {
            throw new InterruptedIOException("a part upload was interrupted");
        }
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        throw new IOException(e);
    }
}
