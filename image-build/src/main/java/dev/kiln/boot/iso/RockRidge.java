package dev.kiln.boot.iso;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * System Use entries of SUSP (IEEE P1281) and Rock Ridge (RRIP 1.09, IEEE P1282): POSIX modes,
 * a timestamp and the full file name, plus the SP/CE/ER entries that announce the extension in
 * the root directory's "." record.
 */
final class RockRidge {

    static final String ER_ID = "RRIP_1991A";
    static final String ER_DESCRIPTOR =
            "THE ROCK RIDGE INTERCHANGE PROTOCOL PROVIDES SUPPORT FOR POSIX FILE SYSTEM SEMANTICS";
    static final String ER_SOURCE = "PLEASE CONTACT DISC PUBLISHER FOR SPECIFICATION SOURCE.  "
            + "SEE PUBLISHER IDENTIFIER IN PRIMARY VOLUME DESCRIPTOR FOR CONTACT INFORMATION.";

    private static final int FILE_MODE = 0100444;
    private static final int DIR_MODE = 040555;

    private RockRidge() {
    }

    /** Entries for one directory record; {@code name} is null for "." and "..". */
    static byte[] entries(boolean directory, int links, String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] nm = name == null ? null : name.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(new byte[] {'R', 'R', 5, 1, (byte) (0x01 | 0x80 | (nm == null ? 0 : 0x08))});
        out.writeBytes(px(directory ? DIR_MODE : FILE_MODE, links));
        out.writeBytes(new byte[] {'T', 'F', 12, 1, 0x02});
        out.writeBytes(IsoTime.RECORD);
        if (nm != null) {
            if (nm.length > 250) {
                throw new IllegalArgumentException("name longer than 250 bytes: " + name);
            }
            out.writeBytes(new byte[] {'N', 'M', (byte) (5 + nm.length), 1, 0});
            out.writeBytes(nm);
        }
        return out.toByteArray();
    }

    /** SP (SUSP 5.3) and CE (SUSP 5.1) pointing at the block that holds the ER entry. */
    static byte[] rootEntries(long continuationLba) {
        ByteBuffer b = ByteBuffer.allocate(7 + 28).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {'S', 'P', 7, 1, (byte) 0xBE, (byte) 0xEF, 0});
        b.put(new byte[] {'C', 'E', 28, 1});
        Both.put32(b, continuationLba);
        Both.put32(b, 0);
        Both.put32(b, extensionReference().length);
        return b.array();
    }

    /** ER (SUSP 5.5) naming RRIP 1.09. */
    static byte[] extensionReference() {
        byte[] id = ER_ID.getBytes(StandardCharsets.US_ASCII);
        byte[] des = ER_DESCRIPTOR.getBytes(StandardCharsets.US_ASCII);
        byte[] src = ER_SOURCE.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {'E', 'R', (byte) (8 + id.length + des.length + src.length), 1,
            (byte) id.length, (byte) des.length, (byte) src.length, 1});
        out.writeBytes(id);
        out.writeBytes(des);
        out.writeBytes(src);
        return out.toByteArray();
    }

    private static byte[] px(int mode, int links) {
        ByteBuffer b = ByteBuffer.allocate(36).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {'P', 'X', 36, 1});
        Both.put32(b, mode);
        Both.put32(b, links);
        Both.put32(b, 0);
        Both.put32(b, 0);
        return b.array();
    }
}
