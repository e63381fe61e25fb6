package dev.kiln.boot.fat;

import dev.kiln.boot.io.Bytes;
import dev.kiln.boot.io.ByteSink;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Writes a planned FAT32 volume front to back (Microsoft FAT specification): boot sector,
 * FSInfo, their backups at sectors 6 and 7, both FATs, then the clusters in order, streaming
 * file data from its source. Timestamps are fixed, so the same files give the same bytes.
 */
public final class Fat32Writer {

    /** 2024-01-01 00:00 in the FAT date format (specification, section 6.3.1). */
    static final short DATE = (short) ((2024 - 1980) << 9 | 1 << 5 | 1);
    private static final int END_OF_CHAIN = 0x0FFFFFFF;

    private Fat32Writer() {
    }

    public static void write(Fat32Layout layout, ByteSink out) throws IOException {
        Positioned sink = new Positioned(out);
        long start = 0;
        Fat32Geometry g = layout.geometry;
        long free = g.clusters() - (layout.nextFree - 2) + skipped(layout);
        byte[] boot = BootSector.encode(layout);
        byte[] info = BootSector.fsInfo(free, layout.nextFree);
        sink.write(boot);
        sink.write(info);
        sink.seek(start + 6 * Fat32Geometry.SECTOR);
        sink.write(boot);
        sink.write(info);
        sink.seek(start + (long) g.reserved() * Fat32Geometry.SECTOR);
        byte[] fat = fat(layout);
        sink.write(fat);
        sink.seek(start + (g.reserved() + g.fatSectors()) * Fat32Geometry.SECTOR);
        sink.write(fat);
        for (FatNode d : layout.directories) {
            sink.seek(start + g.clusterOffset(d.firstCluster));
            sink.write(Directories.encode(d, layout.label, g.clusterBytes()));
        }
        for (FatNode f : layout.files.values()) {
            if (f.clusters > 0) {
                sink.seek(start + g.clusterOffset(f.firstCluster));
                f.file.content().writeTo(sink);
            }
        }
        sink.seek(start + layout.sizeBytes());
    }

    /** Tracks the position in the volume, so the writer can skip to where each part starts. */
    private static final class Positioned implements ByteSink {
        private final ByteSink sink;
        private long position;

        Positioned(ByteSink sink) {
            this.sink = sink;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            sink.write(b, off, len);
            position += len;
        }

        @Override
        public void zeros(long n) throws IOException {
            sink.zeros(n);
            position += n;
        }

        void seek(long target) throws IOException {
            if (target < position) {
                throw new IllegalStateException("layout error: seek back from " + position + " to " + target);
            }
            zeros(target - position);
        }
    }

    private static long skipped(Fat32Layout layout) {
        long used = 0;
        for (FatNode d : layout.directories) {
            used += d.clusters;
        }
        for (FatNode f : layout.files.values()) {
            used += f.clusters;
        }
        return (layout.nextFree - 2) - used;
    }

    private static byte[] fat(Fat32Layout layout) {
        ByteBuffer b = Bytes.le((int) (layout.geometry.fatSectors() * Fat32Geometry.SECTOR));
        b.putInt(0, 0x0FFFFFF8);
        b.putInt(4, END_OF_CHAIN);
        for (FatNode d : layout.directories) {
            chain(b, d);
        }
        for (FatNode f : layout.files.values()) {
            chain(b, f);
        }
        return b.array();
    }

    private static void chain(ByteBuffer fat, FatNode n) {
        for (long i = 0; i < n.clusters; i++) {
            long c = n.firstCluster + i;
            fat.putInt((int) (c * 4), i + 1 == n.clusters ? END_OF_CHAIN : (int) (c + 1));
        }
    }
}
