package dev.kiln.disk.compress;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.nio.ByteBuffer;
import java.util.zip.Deflater;

/**
 * Compresses one whole buffer (a VMDK grain, a qcow2 cluster) into deflate, raw or zlib-wrapped. Not
 * thread-safe: one per worker, from a {@link CompressorPool}. The same backend and level always give
 * the same bytes, so output does not depend on the number of threads.
 */
public abstract class BlockCompressor implements AutoCloseable {

    /** Framing of the compressed bytes. */
    public enum Framing {
        /** RFC 1951 deflate, as qcow2 stores clusters. */
        RAW,
        /** RFC 1950 zlib around deflate, as qemu and open-vmdk write VMDK grains. */
        ZLIB
    }

    /** Worst-case output size for {@code n} input bytes (stored blocks plus framing). */
    public static int bound(int n) {
        return n + n / 64 + 1024;
    }

    /**
     * Compresses {@code in} (position to limit) into {@code out} from its position, which must have
     * {@link #bound} bytes left; returns the compressed length and advances {@code out}.
     */
    public abstract int compress(ByteBuffer in, ByteBuffer out);

    @Override
    public abstract void close();

    /** The system property that turns libdeflate off, for a run or a test: {@code -Dkiln.nolibdeflate=true}. */
    public static final String DISABLE = "kiln.nolibdeflate";

    /** libdeflate when the library loads and {@link #DISABLE} is not set, else the JDK's zlib. */
    public static BlockCompressor create(int level, Framing framing) {
        return nativeInUse() ? new Native(level, framing) : new Jdk(level, framing);
    }

    /** Name of the backend in use, for logs and the benchmark record. */
    public static String backend() {
        return nativeInUse() ? "libdeflate" : "java.util.zip";
    }

    /** True when libdeflate is installed and usable on this machine, whether or not it is turned off. */
    public static boolean nativeAvailable() {
        return Libdeflate.AVAILABLE;
    }

    // read on every call, not once, so one JVM (a test) can compare both backends
    private static boolean nativeInUse() {
        return Libdeflate.AVAILABLE && !Boolean.getBoolean(DISABLE);
    }

    private static final class Native extends BlockCompressor {
        private final Pointer compressor;
        private final Framing framing;

        Native(int level, Framing framing) {
            this.compressor = Libdeflate.libdeflate_alloc_compressor(level);
            if (compressor == null) {
                throw new IllegalStateException("libdeflate could not allocate a compressor");
            }
            this.framing = framing;
        }

        @Override
        public int compress(ByteBuffer in, ByteBuffer out) {
            if (!in.isDirect() || !out.isDirect()) {
                throw new IllegalArgumentException("libdeflate needs direct buffers");
            }
            Pointer src = com.sun.jna.Native.getDirectBufferPointer(in).share(in.position());
            Pointer dst = com.sun.jna.Native.getDirectBufferPointer(out).share(out.position());
            long n = framing == Framing.RAW
                    ? Libdeflate.libdeflate_deflate_compress(compressor, src, in.remaining(), dst, out.remaining())
                    : Libdeflate.libdeflate_zlib_compress(compressor, src, in.remaining(), dst, out.remaining());
            if (n <= 0) {
                throw new IllegalStateException("compressed data did not fit in " + out.remaining() + " bytes");
            }
            in.position(in.limit());
            out.position(out.position() + (int) n);
            return (int) n;
        }

        @Override
        public void close() {
            Libdeflate.libdeflate_free_compressor(compressor);
        }
    }

    private static final class Jdk extends BlockCompressor {
        private final Deflater deflater;

        Jdk(int level, Framing framing) {
            this.deflater = new Deflater(level, framing == Framing.RAW);
        }

        @Override
        public int compress(ByteBuffer in, ByteBuffer out) {
            deflater.reset();
            deflater.setInput(in);
            deflater.finish();
            int start = out.position();
            while (!deflater.finished()) {
                if (!out.hasRemaining()) {
                    throw new IllegalStateException("compressed data did not fit");
                }
                deflater.deflate(out);
            }
            return out.position() - start;
        }

        @Override
        public void close() {
            deflater.end();
        }
    }
}
