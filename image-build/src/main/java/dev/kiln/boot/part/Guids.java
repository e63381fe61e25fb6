package dev.kiln.boot.part;

import dev.kiln.core.Digests;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * GUIDs and serial numbers derived from the image's content digest, so the same build gives the
 * same bytes: SHA-256 of "digest/purpose", shaped as an RFC 9562 version 8 (custom) UUID.
 */
public final class Guids {

    /** EFI System Partition (UEFI 2.10, table 5.7). */
    public static final UUID ESP = UUID.fromString("C12A7328-F81F-11D2-BA4B-00A0C93EC93B");

    private Guids() {
    }

    public static UUID derive(String contentDigest, String purpose) {
        ByteBuffer h = ByteBuffer.wrap(hash(contentDigest, purpose));
        long hi = (h.getLong(0) & ~0xF000L) | 0x8000L;
        long lo = (h.getLong(8) & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(hi, lo);
    }

    public static int serial(String contentDigest, String purpose) {
        return ByteBuffer.wrap(hash(contentDigest, purpose)).getInt(0);
    }

    /** The mixed-endian form GPT stores (UEFI 2.10, appendix A): first three fields little-endian. */
    public static byte[] toGpt(UUID id) {
        ByteBuffer be = ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
        byte[] b = be.array();
        ByteBuffer out = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(ByteBuffer.wrap(b, 0, 4).getInt());
        out.putShort(ByteBuffer.wrap(b, 4, 2).getShort());
        out.putShort(ByteBuffer.wrap(b, 6, 2).getShort());
        out.put(b, 8, 8);
        return out.array();
    }

    private static byte[] hash(String contentDigest, String purpose) {
        return Digests.sha256().digest((contentDigest + "/" + purpose).getBytes(StandardCharsets.UTF_8));
    }
}
