package dev.kiln.disk.gcp;

import dev.kiln.api.KilnException;
import dev.kiln.api.DiskSource;
import dev.kiln.api.Extent;
import dev.kiln.disk.tar.TarHeaders;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads the {@code disk.raw} of a GCE image file (a gzip'd tar, usually an oldgnu sparse member) as a
 * disk. The sparse map gives the extents, so a scan costs the stored data, not the virtual size. A gzip
 * stream can only be read forward: reads in offset order (how scans and writers read) cost one pass;
 * a read behind the stream starts it again from the top. Memory holds the map and one buffer.
 */
public final class GcpTarSource implements DiskSource {

    private static final int HEADER_SPARSE = 4;
    private static final int EXTENSION_SPARSE = 21;

    private final Path path;
    private final long size;
    private final List<Extent> segments;
    private final long[] storedStart;
    private final long dataStart;
    private final byte[] chunk = new byte[1 << 16];
    private InputStream in;
    private long streamPos;

    private GcpTarSource(Path path, long size, List<Extent> segments, long dataStart, InputStream in) {
        this.path = path;
        this.size = size;
        this.segments = List.copyOf(segments);
        this.storedStart = new long[segments.size()];
        long stored = 0;
        for (int i = 0; i < segments.size(); i++) {
            storedStart[i] = stored;
            stored += segments.get(i).length();
        }
        this.dataStart = dataStart;
        this.in = in;
        this.streamPos = dataStart;
    }

    /** True when a file starts with the gzip magic number. */
    public static boolean isGzip(ByteBuffer first) {
        return (first.get(0) & 0xff) == 0x1f && (first.get(1) & 0xff) == 0x8b;
    }

    public static GcpTarSource open(Path path) throws IOException {
        InputStream in = stream(path);
        try {
            ByteBuffer h = ByteBuffer.allocate(TarHeaders.BLOCK);
            long pos = 0;
            while (true) {
                if (!readBlock(in, h)) {
                    throw refused(path, "it holds no " + GcpTarWriter.MEMBER + " member");
                }
                pos += TarHeaders.BLOCK;
                String name = TarHeaders.text(h, 0, 100);
                long stored = TarHeaders.parseNumber(h, 124, 12);
                byte type = h.get(156);
                boolean disk = name.equals(GcpTarWriter.MEMBER) || name.equals("./" + GcpTarWriter.MEMBER);
                if (disk && type == 'S') {
                    List<Extent> map = new ArrayList<>();
                    long realSize = TarHeaders.parseNumber(h, 483, 12);
                    entries(h, 386, HEADER_SPARSE, map);
                    boolean more = h.get(482) != 0;
                    while (more) {
                        if (!readBlock(in, h)) {
                            throw corrupt(path, "its sparse map is cut short");
                        }
                        pos += TarHeaders.BLOCK;
                        entries(h, 0, EXTENSION_SPARSE, map);
                        more = h.get(504) != 0;
                    }
                    return checked(path, realSize, stored, map, pos, in);
                }
                if (disk && (type == '0' || type == 0)) {
                    return new GcpTarSource(path, stored, List.of(new Extent(0, stored)), pos, in);
                }
                long skip = (stored + TarHeaders.BLOCK - 1) / TarHeaders.BLOCK * TarHeaders.BLOCK;
                in.skipNBytes(skip);
                pos += skip;
            }
        } catch (EOFException e) {
            in.close();
            throw corrupt(path, "it ends in the middle of a tar member");
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private static GcpTarSource checked(Path path, long realSize, long stored, List<Extent> map, long pos,
                                        InputStream in) {
        long sum = 0;
        long end = 0;
        List<Extent> data = new ArrayList<>();
        for (Extent e : map) {
            if (e.offset() < end || e.end() > realSize) {
                throw corrupt(path, "its sparse map is not in order or runs past the disk's " + realSize + " bytes");
            }
            end = e.end();
            sum += e.length();
            if (e.length() > 0) {
                data.add(e);
            }
        }
        if (sum != stored) {
            throw corrupt(path, "its sparse map lists " + sum + " bytes but the member stores " + stored);
        }
        return new GcpTarSource(path, realSize, data, pos, in);
    }

    private static void entries(ByteBuffer h, int at, int count, List<Extent> map) {
        for (int i = 0; i < count; i++) {
            int e = at + i * 24;
            if (h.get(e) == 0 && h.get(e + 12) == 0) {
                return;
            }
            map.add(new Extent(TarHeaders.parseNumber(h, e, 12), TarHeaders.parseNumber(h, e + 12, 12)));
        }
    }

    private static InputStream stream(Path path) throws IOException {
        return new GZIPInputStream(new BufferedInputStream(Files.newInputStream(path), 1 << 16), 1 << 16);
    }

    private static boolean readBlock(InputStream in, ByteBuffer h) throws IOException {
        int n = in.readNBytes(h.array(), 0, TarHeaders.BLOCK);
        return n == TarHeaders.BLOCK && !TarHeaders.isEnd(h);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public List<Extent> extents() {
        return segments;
    }

    @Override
    public synchronized void read(long offset, ByteBuffer dst) throws IOException {
        long pos = offset;
        int i = segmentAtOrAfter(pos);
        while (dst.hasRemaining()) {
            Extent seg = i < segments.size() ? segments.get(i) : null;
            long gapEnd = seg == null ? Long.MAX_VALUE : Math.max(pos, seg.offset());
            int zeros = (int) Math.min(dst.remaining(), gapEnd - pos);
            for (int z = 0; z < zeros; z++) {
                dst.put((byte) 0);
            }
            pos += zeros;
            if (!dst.hasRemaining()) {
                return;
            }
            int n = (int) Math.min(dst.remaining(), seg.end() - pos);
            readStored(dataStart + storedStart[i] + (pos - seg.offset()), dst, n);
            pos += n;
            i++;
        }
    }

    private int segmentAtOrAfter(long pos) {
        int lo = 0;
        int hi = segments.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (segments.get(mid).end() <= pos) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void readStored(long at, ByteBuffer dst, int n) throws IOException {
        if (at < streamPos) {
            in.close();
            in = stream(path);
            streamPos = 0;
        }
        try {
            in.skipNBytes(at - streamPos);
            for (int done = 0; done < n; ) {
                int len = Math.min(chunk.length, n - done);
                if (in.readNBytes(chunk, 0, len) < len) {
                    throw new EOFException();
                }
                dst.put(chunk, 0, len);
                done += len;
            }
        } catch (EOFException e) {
            throw corrupt(path, "its gzip stream ends before " + GcpTarWriter.MEMBER + "'s data does");
        }
        streamPos = at + n;
    }

    private static KilnException corrupt(Path path, String what) {
        return KilnException.tried("read GCE image file " + path, what, "check the file was copied whole");
    }

    private static KilnException refused(Path path, String what) {
        return KilnException.tried("read GCE image file " + path, what,
                "a GCE image file is a gzip'd tar holding " + GcpTarWriter.MEMBER);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
