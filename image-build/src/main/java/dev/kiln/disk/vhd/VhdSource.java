package dev.kiln.disk.vhd;

import dev.kiln.disk.Channels;
import dev.kiln.api.DiskSource;
import dev.kiln.api.Extent;
import dev.kiln.disk.RawDiskSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** Reads a fixed or dynamic VHD as a disk. Differencing disks are refused (they need their parent). */
public final class VhdSource implements DiskSource {

    private final FileChannel ch;
    private final long size;
    private final int blockSize;
    private final long bitmapBytes;
    private final int[] bat;

    private VhdSource(FileChannel ch, long size, int blockSize, int[] bat) {
        this.ch = ch;
        this.size = size;
        this.blockSize = blockSize;
        this.bat = bat;
        this.bitmapBytes = ((blockSize / 512 / 8) + 511) / 512 * 512L;
    }

    /** A fixed VHD opens as its raw data region; a dynamic one through its BAT. */
    public static DiskSource open(Path path) throws IOException {
        ByteBuffer footer = ByteBuffer.allocate(VhdFooter.SIZE);
        try (FileChannel probe = FileChannel.open(path, StandardOpenOption.READ)) {
            long at = probe.size() - VhdFooter.SIZE;
            Channels.readFully(probe, footer, at);
            if (!cookie(footer, "conectix")) {
                // a footer copy at 0 with the last sector torn: dynamic VHDs keep a copy at the start
                Channels.readFully(probe, footer.clear(), 0);
            }
        }
        if (!cookie(footer, "conectix")) {
            throw new IOException(path + " has no VHD footer");
        }
        long size = footer.getLong(48);
        int type = footer.getInt(60);
        if (type == VhdFooter.TYPE_FIXED) {
            return new RawDiskSource(path, size);
        }
        if (type != VhdFooter.TYPE_DYNAMIC) {
            throw new IOException(path + " is a differencing VHD; kiln reads fixed and dynamic VHDs only");
        }
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            ByteBuffer header = ByteBuffer.allocate(1024);
            Channels.readFully(ch, header, footer.getLong(16));
            if (!cookie(header, "cxsparse")) {
                throw new IOException(path + " has no dynamic disk header");
            }
            int entries = header.getInt(28);
            ByteBuffer table = ByteBuffer.allocate(entries * 4);
            Channels.readFully(ch, table, header.getLong(16));
            int[] bat = new int[entries];
            table.flip().asIntBuffer().get(bat);
            return new VhdSource(ch, size, header.getInt(32), bat);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static boolean cookie(ByteBuffer b, String text) {
        byte[] c = new byte[8];
        b.get(0, c);
        return new String(c, StandardCharsets.US_ASCII).equals(text);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public List<Extent> extents() {
        List<Extent> out = new ArrayList<>();
        for (int i = 0; i < bat.length; i++) {
            if (bat[i] != -1) {
                long from = (long) i * blockSize;
                long len = Math.min(size, from + blockSize) - from;
                Extent last = out.isEmpty() ? null : out.get(out.size() - 1);
                if (last != null && last.end() == from) {
                    out.set(out.size() - 1, new Extent(last.offset(), last.length() + len));
                } else if (len > 0) {
                    out.add(new Extent(from, len));
                }
            }
        }
        return out;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        long pos = offset;
        while (dst.hasRemaining()) {
            long block = pos / blockSize;
            long within = pos % blockSize;
            int n = (int) Math.min(dst.remaining(), blockSize - within);
            ByteBuffer part = dst.slice(dst.position(), n);
            if (pos < size && block < bat.length && bat[(int) block] != -1) {
                long host = (bat[(int) block] & 0xffffffffL) * 512 + bitmapBytes + within;
                Channels.readFully(ch, part, host);
            } else {
                while (part.hasRemaining()) {
                    part.put((byte) 0);
                }
            }
            dst.position(dst.position() + n);
            pos += n;
        }
    }

    @Override
    public boolean concurrentReads() {
        return true;
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
