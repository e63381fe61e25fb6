package dev.kiln.boot.fat;

import dev.kiln.limits.Fields;

import dev.kiln.boot.io.Bytes;

import java.nio.ByteBuffer;

/** FAT directory entries (specification, section 6): the label or "." and "..", then the children. */
final class Directories {

    private static final int ATTR_DIRECTORY = 0x10;
    private static final int ATTR_ARCHIVE = 0x20;
    private static final int ATTR_VOLUME_ID = 0x08;

    private Directories() {
    }

    static byte[] encode(FatNode dir, String label, int clusterBytes) {
        ByteBuffer b = Bytes.le((int) (dir.clusters * clusterBytes));
        if (dir.parent == null) {
            entry(b, ShortName.label(label), ATTR_VOLUME_ID, 0, 0);
        } else {
            entry(b, ShortName.dot(1), ATTR_DIRECTORY, dir.firstCluster, 0);
            entry(b, ShortName.dot(2), ATTR_DIRECTORY, dir.parent.parent == null ? 0 : dir.parent.firstCluster, 0);
        }
        for (FatNode c : dir.children) {
            entry(b, c.shortName, c.isDirectory() ? ATTR_DIRECTORY : ATTR_ARCHIVE,
                    c.clusters == 0 ? 0 : c.firstCluster, c.size());
        }
        return b.array();
    }

    private static void entry(ByteBuffer b, ShortName name, int attributes, long cluster, long size) {
        b.put(name.bytes()).put((byte) attributes).put((byte) name.caseFlags()).put((byte) 0);
        boolean label = attributes == ATTR_VOLUME_ID;
        short date = label ? 0 : Fat32Writer.DATE;
        b.putShort((short) 0).putShort(date).putShort(date);
        b.putShort((short) (Fields.u32("FAT32 cluster number", cluster) >>> 16));
        b.putShort((short) 0).putShort(Fat32Writer.DATE);
        b.putShort((short) cluster).putInt(Fields.u32("FAT32 file size of " + new String(name.bytes(), java.nio.charset.StandardCharsets.US_ASCII).trim()
                + " (FAT32 holds files under 4 GiB)", size));
    }
}
