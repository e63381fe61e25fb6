package dev.kiln.disk.qcow2;

import com.github.luben.zstd.Zstd;
import dev.kiln.api.KilnException;
import dev.kiln.disk.Channels;
import dev.kiln.api.DiskSource;
import dev.kiln.api.Extent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads a qcow2 image (versions 2 and 3, any cluster size, zlib or zstd compressed clusters) as a
 * disk: extents are the allocated clusters. Images with a backing file or encryption are refused.
 */
public final class Qcow2Source implements DiskSource {

    private final FileChannel ch;
    private final long size;
    private final int clusterBits;
    private final int compressionType;
    private final long[][] l2;
    private ByteBuffer cachedCluster;
    private long cachedEntry = -1;

    private Qcow2Source(FileChannel ch, long size, int clusterBits, int compressionType, long[][] l2) {
        this.ch = ch;
        this.size = size;
        this.clusterBits = clusterBits;
        this.compressionType = compressionType;
        this.l2 = l2;
    }

    public static Qcow2Source open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            ByteBuffer h = ByteBuffer.allocate(112);
            Channels.readFully(ch, h, 0);
            int version = h.getInt(4);
            if (h.getInt(0) != Qcow2.MAGIC || version < 2 || version > 3) {
                throw new IOException(path + " is not a qcow2 version 2 or 3 image");
            }
            if (h.getLong(8) != 0 || h.getInt(32) != 0) {
                throw KilnException.tried("read " + path, "it has a backing file or is encrypted",
                        "flatten it first: qemu-img convert -O qcow2 IN OUT");
            }
            int bits = h.getInt(20);
            int headerLength = version == 3 ? h.getInt(100) : 72;
            int compression = headerLength > 104 ? h.get(104) & 0xff : 0;
            long[][] l2 = readTables(ch, bits, h.getInt(36), h.getLong(40));
            return new Qcow2Source(ch, h.getLong(24), bits, compression, l2);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static long[][] readTables(FileChannel ch, int bits, int l1Size, long l1Offset) throws IOException {
        ByteBuffer l1 = ByteBuffer.allocate(l1Size * 8);
        Channels.readFully(ch, l1, l1Offset);
        int entries = (1 << bits) / 8;
        long[][] l2 = new long[l1Size][];
        for (int i = 0; i < l1Size; i++) {
            long off = l1.getLong(i * 8) & Qcow2.OFFSET_MASK;
            if (off != 0) {
                ByteBuffer t = ByteBuffer.allocate(1 << bits);
                Channels.readFully(ch, t, off);
                l2[i] = new long[entries];
                t.flip().asLongBuffer().get(l2[i]);
            }
        }
        return l2;
    }

    @Override
    public long size() {
        return size;
    }

    private long entry(long cluster) {
        int entries = (1 << clusterBits) / 8;
        int i = (int) (cluster / entries);
        return i >= l2.length || l2[i] == null ? 0 : l2[i][(int) (cluster % entries)];
    }

    private static boolean allocated(long e) {
        return (e & Qcow2.COMPRESSED) != 0 || ((e & Qcow2.OFFSET_MASK) != 0 && (e & 1) == 0);
    }

    @Override
    public List<Extent> extents() {
        List<Extent> out = new ArrayList<>();
        long clusterSize = 1L << clusterBits;
        long clusters = (size + clusterSize - 1) >>> clusterBits;
        long start = -1;
        for (long c = 0; c <= clusters; c++) {
            boolean data = c < clusters && allocated(entry(c));
            if (data && start < 0) {
                start = c;
            } else if (!data && start >= 0) {
                long from = start << clusterBits;
                out.add(new Extent(from, Math.min(size, c << clusterBits) - from));
                start = -1;
            }
        }
        return out;
    }

    @Override
    public synchronized void read(long offset, ByteBuffer dst) throws IOException {
        long pos = offset;
        long clusterSize = 1L << clusterBits;
        while (dst.hasRemaining()) {
            long within = pos & (clusterSize - 1);
            int n = (int) Math.min(dst.remaining(), clusterSize - within);
            ByteBuffer part = dst.slice(dst.position(), n);
            long e = pos >= size ? 0 : entry(pos >>> clusterBits);
            if ((e & Qcow2.COMPRESSED) != 0) {
                part.put(inflated(e).slice((int) within, n));
            } else if (allocated(e)) {
                Channels.readFully(ch, part, (e & Qcow2.OFFSET_MASK) + within);
            } else {
                while (part.hasRemaining()) {
                    part.put((byte) 0);
                }
            }
            dst.position(dst.position() + n);
            pos += n;
        }
    }

    private ByteBuffer inflated(long e) throws IOException {
        if (e == cachedEntry) {
            return cachedCluster;
        }
        int shift = 62 - (clusterBits - 8);
        long host = e & ((1L << shift) - 1);
        long sectors = ((e >>> shift) & ((1L << (clusterBits - 8)) - 1)) + 1;
        ByteBuffer raw = ByteBuffer.allocate((int) (sectors * 512 - (host & 511)));
        Channels.readFully(ch, raw, host);
        byte[] out = new byte[1 << clusterBits];
        if (compressionType == 1) {
            Zstd.decompressByteArray(out, 0, out.length, raw.array(), 0, findZstdFrame(raw.array()));
        } else {
            inflateRaw(raw.array(), out);
        }
        cachedEntry = e;
        cachedCluster = ByteBuffer.wrap(out);
        return cachedCluster;
    }

    private static int findZstdFrame(byte[] raw) {
        long n = Zstd.findFrameCompressedSize(raw);
        return Zstd.isError(n) ? raw.length : (int) n;
    }

    private static void inflateRaw(byte[] in, byte[] out) throws IOException {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(in);
            int done = 0;
            while (done < out.length && !inflater.finished()) {
                int n = inflater.inflate(out, done, out.length - done);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                done += n;
            }
        } catch (DataFormatException ex) {
            throw new IOException("corrupt compressed qcow2 cluster: " + ex.getMessage(), ex);
        } finally {
            inflater.end();
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
