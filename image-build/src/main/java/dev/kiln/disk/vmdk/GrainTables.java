package dev.kiln.disk.vmdk;

import dev.kiln.disk.Channels;
import dev.kiln.api.Extent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The grain directory of a sparse extent, held in memory (4 bytes per grain table), and its grain
 * tables, read as needed and kept in a small cache, so memory stays bounded whatever the disk size.
 */
final class GrainTables {

    /** Grain table entry of a grain that is not stored. */
    static final long ABSENT = 0;
    /**
     * Grain table entry of a grain that reads as zeros ("zeroed-grain GTE", technote version 2); sector 1
     * is the header's own, so no writer stores a grain there even without that flag.
     */
    static final long ZERO = 1;
    private static final int CACHED = 64;

    private final FileChannel ch;
    private final Path path;
    private final SparseExtentHeader header;
    private final long fileSize;
    private final int[] directory;
    private final Map<Integer, long[]> cache = new LinkedHashMap<>(CACHED, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, long[]> eldest) {
            return size() > CACHED;
        }
    };

    private GrainTables(FileChannel ch, Path path, SparseExtentHeader header, int[] directory) throws IOException {
        this.ch = ch;
        this.path = path;
        this.header = header;
        this.fileSize = ch.size();
        this.directory = directory;
    }

    /** Reads the grain directory at {@code header.gdOffset()}, which must lie inside the file. */
    static GrainTables read(FileChannel ch, Path path, SparseExtentHeader header) throws IOException {
        long tables = header.tables();
        long gdBytes = tables * 4;
        if (header.gdOffset() <= 0 || gdBytes > ch.size() || header.gdOffset() * 512 > ch.size() - gdBytes) {
            throw SparseExtentHeader.corrupt(path, "its grain directory (sector " + header.gdOffset() + ", "
                    + tables + " entries) lies outside the file");
        }
        ByteBuffer gd = ByteBuffer.allocate((int) gdBytes).order(ByteOrder.LITTLE_ENDIAN);
        Channels.readFully(ch, gd, header.gdOffset() * 512);
        int[] directory = new int[(int) tables];
        gd.clear().asIntBuffer().get(directory);
        return new GrainTables(ch, path, header, directory);
    }

    /** The entry of grain {@code grain}: {@link #ABSENT}, {@link #ZERO} or the sector where it is stored. */
    long entry(long grain) throws IOException {
        int table = (int) (grain / header.gtesPerGt());
        if (table >= directory.length || directory[table] == 0) {
            return ABSENT;
        }
        long[] gt = cache.get(table);
        if (gt == null) {
            gt = load(table);
            cache.put(table, gt);
        }
        return gt[(int) (grain % header.gtesPerGt())];
    }

    private long[] load(int table) throws IOException {
        long sector = directory[table] & 0xffffffffL;
        long at = sector * 512;
        int bytes = header.gtesPerGt() * 4;
        if (at > fileSize - bytes) {
            throw SparseExtentHeader.corrupt(path, "grain table " + table + " (sector " + sector
                    + ") lies past the end of the file");
        }
        ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        Channels.readFully(ch, b, at);
        long[] gt = new long[header.gtesPerGt()];
        for (int i = 0; i < gt.length; i++) {
            gt[i] = b.getInt(i * 4) & 0xffffffffL;
        }
        return gt;
    }

    /** Stored grains (not absent, not zeroed) as merged byte ranges clipped to {@code size}. */
    List<Extent> extents(long size) throws IOException {
        List<Extent> out = new ArrayList<>();
        long grainBytes = header.grainBytes();
        long grains = (size + grainBytes - 1) / grainBytes;
        for (long g = 0; g < grains; g++) {
            if (g % header.gtesPerGt() == 0 && directory[(int) (g / header.gtesPerGt())] == 0) {
                g += header.gtesPerGt() - 1;
                continue;
            }
            long e = entry(g);
            if (e <= ZERO) {
                continue;
            }
            long from = g * grainBytes;
            long to = Math.min(size, from + grainBytes);
            Extent last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.end() == from) {
                out.set(out.size() - 1, new Extent(last.offset(), to - last.offset()));
            } else {
                out.add(new Extent(from, to - from));
            }
        }
        return out;
    }
}
