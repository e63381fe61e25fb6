package dev.kiln.disk.gcp;

import dev.kiln.disk.SequentialOutput;
import dev.kiln.disk.compress.BlockCompressor;
import dev.kiln.disk.compress.BufferPool;
import dev.kiln.disk.compress.CompressorPool;
import dev.kiln.disk.compress.OrderedPipeline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * One gzip stream (RFC 1952) compressed on several cores, pigz's way: the input is cut into chunks,
 * each compressed on its own and ended with a sync flush (an empty stored block on a byte boundary) so
 * the pieces join into a single deflate stream; the last one ends it. With libdeflate (2-3x zlib's
 * speed) each chunk is a whole-buffer stream whose final-block bit is cleared ({@link DeflateBlocks});
 * with the JDK's zlib each 128 KiB chunk is primed with the previous 32 KiB as dictionary, exactly as
 * pigz does. The CRC-32 runs on the caller's thread (~20x faster than deflate). The bytes depend on the
 * backend and level, never on the thread count.
 */
public final class ParallelGzip implements AutoCloseable {

    static final int ZLIB_CHUNK = 128 << 10;
    /** Bigger chunks for libdeflate, which has no dictionary: the restart costs less than 0.5 % of size. */
    static final int LIBDEFLATE_CHUNK = 1 << 20;
    static final int DICT = 32 << 10;
    private static final byte[] SYNC = {0, 0, (byte) 0xff, (byte) 0xff};

    private final SequentialOutput out;
    private final int level;
    private final boolean fast;
    private final int chunk;
    private final OrderedPipeline<Piece> pipeline;
    private final ConcurrentLinkedQueue<byte[]> arrays = new ConcurrentLinkedQueue<>();
    private final BufferPool chunks;
    private final BufferPool outputs;
    private final CompressorPool compressors;
    private final ConcurrentLinkedQueue<Deflater> deflaters = new ConcurrentLinkedQueue<>();
    private final CRC32 crc = new CRC32();
    private ByteBuffer current;
    private byte[] dictionary;
    private long total;

    public ParallelGzip(SequentialOutput out, int level, int threads) throws IOException {
        this.out = out;
        this.level = level;
        this.fast = "libdeflate".equals(BlockCompressor.backend());
        this.chunk = fast ? LIBDEFLATE_CHUNK : ZLIB_CHUNK;
        this.chunks = new BufferPool(chunk);
        this.outputs = new BufferPool(BlockCompressor.bound(chunk));
        this.compressors = new CompressorPool(level, BlockCompressor.Framing.RAW);
        this.pipeline = new OrderedPipeline<>(threads, threads * 3, p -> {
            out.write(ByteBuffer.wrap(p.bytes(), 0, p.length()));
            if (p.bytes().length == BlockCompressor.bound(chunk) + 8) {
                arrays.add(p.bytes());
            }
        });
        this.current = chunks.take();
        out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, (byte) (level == 9 ? 2 : level == 1 ? 4 : 0), 3});
    }

    public void write(ByteBuffer src) throws IOException {
        total += src.remaining();
        crc.update(src.duplicate());
        while (src.hasRemaining()) {
            int n = Math.min(current.remaining(), src.remaining());
            current.put(current.position(), src, src.position(), n);
            current.position(current.position() + n);
            src.position(src.position() + n);
            if (!current.hasRemaining()) {
                submit(false);
            }
        }
    }

    private void submit(boolean last) throws IOException {
        ByteBuffer input = current.flip();
        byte[] dict = dictionary;
        if (!fast) {
            dictionary = new byte[Math.min(DICT, input.limit())];
            input.get(input.limit() - dictionary.length, dictionary);
        }
        pipeline.submit(() -> fast ? libdeflate(input, last) : zlib(input, dict, last));
        current = chunks.take();
    }

    /** Compressed bytes of one chunk; arrays of the pooled size go back to the pool once written. */
    private record Piece(byte[] bytes, int length) {
    }

    private Piece libdeflate(ByteBuffer input, boolean last) {
        BlockCompressor c = compressors.take();
        ByteBuffer o = outputs.take();
        try {
            int n = c.compress(input, o);
            byte[] bytes = arrays.poll();
            if (bytes == null) {
                bytes = new byte[BlockCompressor.bound(chunk) + 8];
            }
            o.get(0, bytes, 0, n);
            Arrays.fill(bytes, n, n + 8, (byte) 0);
            if (last) {
                return new Piece(bytes, n);
            }
            DeflateBlocks.Ends ends = DeflateBlocks.walk(bytes, n);
            long bfinal = ends.finalHeaderBit();
            bytes[(int) (bfinal >>> 3)] &= (byte) ~(1 << (bfinal & 7));
            long end = ends.endBit();
            bytes[(int) (end >>> 3)] &= (byte) ((1 << (end & 7)) - 1);
            // an empty stored block: 3 zero header bits right after end-of-block, pad, LEN 0, NLEN 0xffff
            int cut = (int) ((end + 3 + 7) >>> 3);
            System.arraycopy(SYNC, 0, bytes, cut, SYNC.length);
            return new Piece(bytes, cut + SYNC.length);
        } finally {
            compressors.give(c);
            outputs.give(o);
            chunks.give(input);
        }
    }

    private Piece zlib(ByteBuffer input, byte[] dict, boolean last) {
        Deflater d = deflaters.poll();
        if (d == null) {
            d = new Deflater(level, true);
        }
        try {
            d.reset();
            if (dict != null) {
                d.setDictionary(dict);
            }
            int length = input.remaining();
            d.setInput(input);
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
                    n += d.deflate(buf, n, buf.length - n, Deflater.SYNC_FLUSH);
                    if (n < buf.length) {
                        break;
                    }
                    buf = room(buf, n);
                }
            }
            return new Piece(buf, n);
        } finally {
            chunks.give(input);
            deflaters.add(d);
        }
    }

    private static byte[] room(byte[] buf, int used) {
        return used < buf.length ? buf : Arrays.copyOf(buf, buf.length * 2);
    }

    /** Finishes the deflate stream and writes the gzip trailer (CRC-32, length mod 2^32). */
    public void finish() throws IOException {
        submit(true);
        pipeline.finish();
        ByteBuffer trailer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        trailer.putInt((int) crc.getValue()).putInt((int) total);
        out.write(trailer.flip());
        out.flush();
    }

    @Override
    public void close() {
        pipeline.close();
        compressors.close();
        Deflater d;
        while ((d = deflaters.poll()) != null) {
            d.end();
        }
    }
}
