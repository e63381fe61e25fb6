package dev.kiln.boot.iso;

import dev.kiln.limits.Fields;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** ECMA-119 9.4 path tables, little-endian (type L) and big-endian (type M). */
final class PathTable {

    private PathTable() {
    }

    static int size(List<IsoNode> directories) {
        int size = 0;
        for (IsoNode d : directories) {
            int len = d.identifier.length;
            size += 8 + len + (len % 2);
        }
        return size;
    }

    static byte[] encode(List<IsoNode> directories, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(size(directories)).order(order);
        for (IsoNode d : directories) {
            int len = d.identifier.length;
            b.put((byte) len).put((byte) 0);
            b.putInt(Fields.u32("ISO 9660 path table block address", d.lba));
            b.putShort((short) Fields.u16("ISO 9660 path table parent number (at most 65535 directories)", d.parent == null ? 1 : d.parent.number));
            b.put(d.identifier);
            if (len % 2 == 1) {
                b.put((byte) 0);
            }
        }
        return b.array();
    }
}
