package dev.kiln.disk.vmdk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The SparseExtentHeader of a streamOptimized VMDK (VMware "Virtual Disk Format 5.0" technote,
 * "Hosted Sparse Extent Header" and "Stream-Optimized Compressed Sparse Extents"), little-endian.
 */
final class VmdkHeader {

    static final int MAGIC = 0x564d444b;
    static final long GRAIN_SECTORS = 128;
    static final int GRAIN = (int) GRAIN_SECTORS * 512;
    static final int GTES_PER_GT = 512;
    static final long GD_AT_END = -1L;
    static final long DESCRIPTOR_OFFSET = 1;
    static final long DESCRIPTOR_SECTORS = 20;
    /** The first grain starts at a grain boundary, as VMware's writers place it. */
    static final long OVERHEAD = GRAIN_SECTORS;
    /** Valid newline detector, compressed grains, grain markers. */
    static final int FLAGS = 1 | (1 << 16) | (1 << 17);

    private VmdkHeader() {
    }

    static ByteBuffer build(long capacitySectors, long gdOffset) {
        ByteBuffer h = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(MAGIC).putInt(3).putInt(FLAGS).putLong(capacitySectors).putLong(GRAIN_SECTORS);
        h.putLong(DESCRIPTOR_OFFSET).putLong(DESCRIPTOR_SECTORS).putInt(GTES_PER_GT);
        h.putLong(0).putLong(gdOffset).putLong(OVERHEAD);
        h.put((byte) 0).put((byte) '\n').put((byte) ' ').put((byte) '\r').put((byte) '\n');
        h.putShort((short) 1);
        return h.clear();
    }

    /** A metadata marker sector: {numSectors, size 0, type} (EOS 0, GT 1, GD 2, footer 3). */
    static ByteBuffer marker(long sectors, int type) {
        ByteBuffer m = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        m.putLong(sectors).putInt(0).putInt(type);
        return m.clear();
    }
}
