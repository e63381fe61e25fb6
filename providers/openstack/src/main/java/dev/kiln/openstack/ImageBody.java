package dev.kiln.openstack;

import dev.kiln.api.Conversions;
import dev.kiln.api.DiskSource;
import dev.kiln.api.Extent;
import dev.kiln.api.ImageFormat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;

/**
 * The bytes an upload sends, with their exact length known before the first one: a file as it is, or a raw disk
 * as qcow2 generated while it is sent ({@link Conversions#stream}, tables first), never written to disk. Each
 * {@link #open()} starts again from the first byte, as a retried request needs.
 */
interface ImageBody {

    /** The exact number of bytes {@link #open()} yields. */
    long size();

    /** A new stream from the first byte. */
    InputStream open() throws IOException;

    /** What the user knows it by (the file's name). */
    String name();

    /**
     * A stream that hashes what it yields on the thread writing it, so the sending thread only copies: MD5 (Glance's
     * {@code checksum}) and SHA-512 ({@code os_hash_value}) of every byte, ready once the writer has finished.
     */
    interface SelfHashing {
        /** The MD5 and SHA-512 of the whole stream; waits for the writer to finish, fails if it failed. */
        byte[][] digests() throws IOException, InterruptedException;
    }

    static ImageBody file(Path file) throws IOException {
        long size = Files.size(file);
        return new ImageBody() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() throws IOException {
                return Files.newInputStream(file);
            }

            @Override
            public String name() {
                return file.getFileName().toString();
            }
        };
    }

    /**
     * The raw disk {@code raw} as qcow2 storing the clusters of {@code data} (its {@link Conversions#dataExtents}),
     * generated on a thread of its own into a few reused 1 MiB chunks.
     */
    static ImageBody qcow2(Path raw, List<Extent> data, Conversions conversions, String imageName, long size) {
        return new ImageBody() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() {
                Pipe pipe = new Pipe();
                Thread producer = new Thread(() -> {
                    Throwable failure = null;
                    try (DiskSource disk = conversions.open(raw)) {
                        conversions.stream(disk.narrowedTo(data), ImageFormat.QCOW2, pipe, imageName);
                    } catch (Throwable e) {
                        failure = e;
                    }
                    pipe.finish(failure);
                }, "kiln-qcow2-stream");
                producer.setDaemon(true);
                pipe.producer = producer;
                producer.start();
                return pipe;
            }

            @Override
            public String name() {
                return raw.getFileName() + " (as qcow2)";
            }
        };
    }

    /**
     * A bounded hand-over from the thread writing the qcow2 to the thread sending it: {@value #CHUNKS} chunks of
     * {@value #CHUNK} bytes go round between a free and a full queue, so memory stays the same whatever the image.
     * The writer hashes each chunk before handing it over. Closing the reading side stops the writer.
     */
    final class Pipe extends InputStream implements WritableByteChannel, SelfHashing {
        private static final int CHUNK = 1 << 20;
        private static final int CHUNKS = 4;
        private static final ByteBuffer END = ByteBuffer.allocate(0);

        private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(CHUNKS);
        private final BlockingQueue<ByteBuffer> full = new ArrayBlockingQueue<>(CHUNKS + 1);
        private volatile boolean closed;
        private volatile Throwable failure;
        private volatile Thread producer;
        private final GlanceHashes hashes = new GlanceHashes();
        private final CountDownLatch finished = new CountDownLatch(1);
        private byte[][] digests;
        private ByteBuffer filling;
        private ByteBuffer reading;
        private boolean ended;

        private Pipe() {
            for (int i = 0; i < CHUNKS - 1; i++) {
                free.add(ByteBuffer.allocate(CHUNK));
            }
            filling = ByteBuffer.allocate(CHUNK);
        }

        private void handOver() {
            hashes.update(filling.array(), 0, filling.position());
            full.add(filling.flip());
        }

        // the writing side (the producer thread)

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = src.remaining();
            while (src.hasRemaining()) {
                if (closed) {
                    throw new ClosedChannelException();
                }
                if (!filling.hasRemaining()) {
                    handOver();
                    try {
                        filling = free.take();
                    } catch (InterruptedException e) {
                        throw new InterruptedIOException("the upload stopped reading");
                    }
                }
                int take = Math.min(src.remaining(), filling.remaining());
                filling.put(filling.position(), src, src.position(), take);
                filling.position(filling.position() + take);
                src.position(src.position() + take);
            }
            return n;
        }

        void finish(Throwable e) {
            failure = e;
            if (e == null) {
                if (filling.position() > 0) {
                    handOver();
                }
                digests = hashes.digests();
            }
            finished.countDown();
            full.add(END);
        }

        @Override
        public byte[][] digests() throws IOException, InterruptedException {
            finished.await();
            Throwable f = failure;
            if (f != null || digests == null) {
                throw new IOException("writing the qcow2 failed" + (f == null ? "" : ": " + f.getMessage()), f);
            }
            return digests;
        }

        @Override
        public boolean isOpen() {
            return !closed;
        }

        // the reading side (the HTTP client)

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (closed) {
                throw new IOException("stream closed");
            }
            while (reading == null || !reading.hasRemaining()) {
                if (ended) {
                    return -1;
                }
                if (reading != null) {
                    free.add(reading.clear());
                    reading = null;
                }
                ByteBuffer next;
                try {
                    next = full.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while the qcow2 was being written");
                }
                if (next == END) {
                    ended = true;
                    Throwable f = failure;
                    if (f != null) {
                        throw new IOException("writing the qcow2 failed: " + f.getMessage(), f);
                    }
                    return -1;
                }
                reading = next;
            }
            int n = Math.min(len, reading.remaining());
            reading.get(b, off, n);
            return n;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        /** Stops the writer if it has not finished; the chunks go to the garbage collector with this pipe. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            Thread p = producer;
            if (p != null && finished.getCount() > 0) {
                p.interrupt();
            }
        }
    }
}
