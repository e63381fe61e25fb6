package dev.kiln.gcp;

import java.io.EOFException;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A request body of bytes {@code [start, end)} of a file, read with positional reads into 1 MiB
 * buffers only as the HTTP client asks for them (Flow demand), so a chunk is never whole in memory.
 * Large buffers keep the client's per-buffer work small: its own {@code ofInputStream} reads 16 KiB
 * at a time, which made a cold JVM upload at a third of the speed.
 */
final class FileRangeBody implements HttpRequest.BodyPublisher {

    /** Sees every buffer read, with its offset in the file (for the checksum). */
    interface Observer {
        void read(byte[] bytes, int length, long position);
    }

    private static final int BUFFER = 1 << 20;

    private final Path path;
    private final long start;
    private final long end;
    private final Observer observer;

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

    /** One pass over the range; signals go out from one thread at a time (the {@code work} counter). */
    private final class Range implements Flow.Subscription {

        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger work = new AtomicInteger();
        private volatile boolean cancelled;
        private volatile Throwable misuse;
        private FileChannel channel;
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
                    finish();
                    subscriber.onError(misuse);
                } else if (cancelled) {
                    finish();
                } else if (position == end) {
                    finish();
                    subscriber.onComplete();
                }
            } catch (IOException e) {
                finish();
                subscriber.onError(e);
            }
        }

        private ByteBuffer next() throws IOException {
            if (channel == null) {
                channel = FileChannel.open(path, StandardOpenOption.READ);
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(BUFFER, end - position));
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, position + buffer.position()) < 0) {
                    throw new EOFException(path + " became shorter while it was being uploaded");
                }
            }
            observer.read(buffer.array(), buffer.position(), position);
            position += buffer.position();
            return buffer.flip();
        }

        private void finish() {
            finished = true;
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // read-only channel: nothing was written that closing could lose
                }
            }
        }
    }
}
