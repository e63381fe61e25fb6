package dev.kiln.disk.gcp;

import dev.kiln.disk.SequentialOutput;
import dev.kiln.disk.compress.OrderedPipeline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * One gzip stream (RFC 1952) compressed on several cores the way pigz does it: the input is cut into
 * 128 KiB chunks, each deflated independently but primed with the previous 32 KiB as dictionary, and
 * ended with a sync flush so the pieces join into a single deflate stream; the last one finishes it.
 * The CRC-32 runs over the input on the caller's thread (it is ~20x faster than deflate). The bytes
 * depend on the level only, never on the thread count.
 */
public final class ParallelGzip implements AutoCloseable {

    static final int CHUNK = 128 << 10;
    static final int DICT = 32 << 10;

    private final SequentialOutput out;
    private final int level;
    private final OrderedPipeline<byte[]> pipeline;
    private final ConcurrentLinkedQueue<Deflater> deflaters = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<byte[]> chunks = new ConcurrentLinkedQueue<>();
    private final CRC32 crc = new CRC32();
    private byte[] current = new byte[CHUNK];
    private int filled;
    private byte[] dictionary;
    private long total;

    public ParallelGzip(SequentialOutput out, int level, int threads) throws IOException {
        this.out = out;
        this.level = level;
        this.pipeline = new OrderedPipeline<>(threads, threads * 4, b -> out.write(ByteBuffer.wrap(b)));
        out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, (byte) (level == 9 ? 2 : level == 1 ? 4 : 0), 3});
    }

    public void write(ByteBuffer src) throws IOException {
        total += src.remaining();
        crc.update(src.duplicate());
        while (src.hasRemaining()) {
            int n = Math.min(CHUNK - filled, src.remaining());
            src.get(current, filled, n);
            filled += n;
            if (filled == CHUNK) {
                submit(false);
            }
        }
    }

    private void submit(boolean last) throws IOException {
        byte[] input = current;
        int length = filled;
        byte[] dict = dictionary;
        dictionary = new byte[DICT];
        System.arraycopy(input, length - Math.min(length, DICT), dictionary, 0, Math.min(length, DICT));
        pipeline.submit(() -> deflate(input, length, dict, last));
        byte[] recycled = chunks.poll();
        current = recycled != null ? recycled : new byte[CHUNK];
        filled = 0;
    }

    private byte[] deflate(byte[] input, int length, byte[] dict, boolean last) {
        Deflater d = deflaters.poll();
        if (d == null) {
            d = new Deflater(level, true);
        }
        try {
            d.reset();
            if (dict != null) {
                d.setDictionary(dict);
            }
            d.setInput(input, 0, length);
            byte[] buf = new byte[length + length / 16 + 1024];
            int n = 0;
            if (last) {
                d.finish();
                while (!d.finished()) {
                    buf = room(buf, n);
                    n += d.deflate(buf, n, buf.length - n);
                }
            } else {
                // SYNC_FLUSH: a full output buffer means there may be more; otherwise the chunk is done
                while (true) {
                    int space = buf.length - n;
                    n += d.deflate(buf, n, space, Deflater.SYNC_FLUSH);
                    if (buf.length - n > 0) {
                        break;
                    }
                    buf = room(buf, n);
                }
            }
            return java.util.Arrays.copyOf(buf, n);
        } finally {
            chunks.add(input);
            deflaters.add(d);
        }
    }

    private static byte[] room(byte[] buf, int used) {
        return used < buf.length ? buf : java.util.Arrays.copyOf(buf, buf.length * 2);
    }

    /** Finishes the deflate stream and writes the gzip trailer (CRC-32, length mod 2^32). */
    public void finish() throws IOException {
        submit(true);
        pipeline.finish();
        ByteBuffer trailer = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        trailer.putInt((int) crc.getValue()).putInt((int) total);
        out.write(trailer.flip());
        out.flush();
    }

    @Override
    public void close() {
        pipeline.close();
        Deflater d;
        while ((d = deflaters.poll()) != null) {
            d.end();
        }
    }
}
