package dev.kiln.gcp;

import java.io.EOFException;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A request body of bytes {@code [start, end)} of a file, published as read-only slices of a
 * read-only mapping of the range, only as the HTTP client asks for them (Flow demand). The slices
 * are direct buffers over the page cache, each published once and never reused, so the bytes go
 * from the page cache to the socket (or the TLS engine) without passing through the Java heap;
 * the observer sees each slice first (the CRC32C, intrinsic on direct buffers). Once the server
 * confirmed it holds the whole range, {@link #release} unmaps it, so the resident set does not grow
 * with the file while the collector is idle.
 */
final class FileRangeBody implements HttpRequest.BodyPublisher {

    /** Sees every slice before it is sent, with its offset in the file (for the checksum). */
    interface Observer {
        void read(ByteBuffer bytes, long position);
    }

    /** Per onNext: large enough that the client's per-buffer work is small, small enough to pace reads. */
    private static final int SLICE = 4 << 20;

    private final Path path;
    private final long start;
    private final long end;
    private final Observer observer;
    private final List<ByteBuffer> mappings = new ArrayList<>();

    FileRangeBody(Path path, long start, long end, Observer observer) {
        this.path = path;
        this.start = start;
        this.end = end;
        this.observer = observer;
    }

    @Override
    public long contentLength() {
        return end - start;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        subscriber.onSubscribe(new Range(subscriber));
    }

    /**
     * Unmaps what this body mapped. Call it only when the server holds every byte of the range
     * (so the client wrote them all and reads none again); otherwise the collector unmaps later.
     */
    void release() {
        List<ByteBuffer> done;
        synchronized (mappings) {
            done = List.copyOf(mappings);
            mappings.clear();
        }
        done.forEach(MappedRanges::unmap);
    }

    private ByteBuffer map() throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            if (channel.size() < end) {
                throw new EOFException(path + " became shorter while it was being uploaded");
            }
            ByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, start, end - start);
            synchronized (mappings) {
                mappings.add(mapped);
            }
            return mapped;
        }
    }

    /** One pass over the range; signals go out from one thread at a time (the {@code work} counter). */
    private final class Range implements Flow.Subscription {

        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger work = new AtomicInteger();
        private volatile boolean cancelled;
        private volatile Throwable misuse;
        private ByteBuffer mapped;
        private long position = start;
        private boolean finished;

        Range(Flow.Subscriber<? super ByteBuffer> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                misuse = new IllegalArgumentException("non-positive request: " + n);
            } else {
                demand.getAndUpdate(d -> d + n < 0 ? Long.MAX_VALUE : d + n);
            }
            drain();
        }

        @Override
        public void cancel() {
            cancelled = true;
            drain();
        }

        private void drain() {
            if (work.getAndIncrement() != 0) {
                return;
            }
            do {
                emit();
            } while (work.decrementAndGet() != 0);
        }

        private void emit() {
            if (finished) {
                return;
            }
            try {
                while (!cancelled && misuse == null && demand.get() > 0 && position < end) {
                    demand.decrementAndGet();
                    subscriber.onNext(next());
                }
                if (misuse != null) {
                    finished = true;
                    subscriber.onError(misuse);
                } else if (cancelled) {
                    finished = true;
                } else if (position == end) {
                    finished = true;
                    subscriber.onComplete();
                }
            } catch (IOException e) {
                finished = true;
                subscriber.onError(e);
            }
        }

        private ByteBuffer next() throws IOException {
            if (mapped == null) {
                mapped = map();
            }
            int length = (int) Math.min(SLICE, end - position);
            ByteBuffer slice = mapped.slice((int) (position - start), length).asReadOnlyBuffer();
            observer.read(slice.duplicate(), position);
            position += length;
            return slice;
        }
    }
}
