package dev.kiln.boot.iso;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** ECMA-119 9.1 directory records, each followed by its Rock Ridge entries. */
final class DirectoryRecord {

    private DirectoryRecord() {
    }

    static byte[] encode(byte[] identifier, long lba, long size, boolean directory, byte[] systemUse) {
        int pad = identifier.length % 2 == 0 ? 1 : 0;
        int length = 33 + identifier.length + pad + systemUse.length;
        if (length > 255) {
            throw new IllegalArgumentException("directory record too long: " + length);
        }
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) length).put((byte) 0);
        Both.put32(b, lba);
        Both.put32(b, size);
        b.put(IsoTime.RECORD);
        b.put((byte) (directory ? 0x02 : 0x00)).put((byte) 0).put((byte) 0);
        Both.put16(b, 1);
        b.put((byte) identifier.length).put(identifier);
        b.position(b.position() + pad);
        b.put(systemUse);
        return b.array();
    }

    /** The records of a directory: ".", "..", then its children in identifier order. */
    static java.util.List<byte[]> of(IsoNode dir, long continuationLba) {
        java.util.List<byte[]> out = new java.util.ArrayList<>();
        IsoNode parent = dir.parent == null ? dir : dir.parent;
        byte[] self = RockRidge.entries(true, links(dir), null);
        if (dir.parent == null) {
            self = concat(RockRidge.rootEntries(continuationLba), self);
        }
        out.add(encode(new byte[] {0}, dir.lba, dir.size, true, self));
        out.add(encode(new byte[] {1}, parent.lba, parent.size, true, RockRidge.entries(true, links(parent), null)));
        for (IsoNode c : dir.children) {
            byte[] su = RockRidge.entries(c.isDirectory(), c.isDirectory() ? links(c) : 1, c.name);
            out.add(encode(c.identifier, c.lba, c.size, c.isDirectory(), su));
        }
        return out;
    }

    /** Bytes a directory's extent takes: records never cross a 2048-byte block (ECMA-119 6.8.1.1). */
    static long extentSize(java.util.List<byte[]> records) {
        long used = 0;
        for (byte[] r : records) {
            if (used % IsoLayout.BLOCK + r.length > IsoLayout.BLOCK) {
                used = dev.kiln.core.Sizes.roundUp(used, IsoLayout.BLOCK);
            }
            used += r.length;
        }
        return dev.kiln.core.Sizes.roundUp(used, IsoLayout.BLOCK);
    }

    private static int links(IsoNode dir) {
        return 2 + (int) dir.children.stream().filter(IsoNode::isDirectory).count();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
