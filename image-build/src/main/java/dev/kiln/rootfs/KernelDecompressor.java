package dev.kiln.rootfs;

import dev.kiln.api.BoundedInputStream;
import dev.kiln.api.KilnException;
import org.tukaani.xz.SingleXZInputStream;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * {@code --decompress-kernel}: a gzip'd kernel, or an x86 bzImage whose payload is gzip (as
 * LinuxKit's decompressKernel accepts) or xz (Debian's kernels); Documentation/arch/x86/boot.rst:
 * boot protocol 2.08+ gives payload_offset and payload_length. Streams; nothing is held whole.
 */
final class KernelDecompressor {

    private static final int HEADER = 0x250;
    private static final byte[] XZ_MAGIC = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0};

    private KernelDecompressor() {
    }

    /** @param open opens the compressed kernel again from the start (it is read twice) */
    static void decompress(TarSource open, OutputStream out) throws IOException {
        byte[] head;
        try (InputStream in = open.open()) {
            head = in.readNBytes(HEADER);
        }
        if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            try (InputStream in = new GZIPInputStream(open.open(), 1 << 16)) {
                in.transferTo(out);
            }
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        if (head.length < HEADER || (b.getShort(0x1fe) & 0xffff) != 0xaa55 || b.getInt(0x202) != 0x53726448) {
            throw unsupported("it is neither gzip nor a bzImage");
        }
        if (head[0x207] < 2 || head[0x207] == 2 && head[0x206] < 8) {
            throw unsupported("its bzImage boot protocol is older than 2.08");
        }
        long offset = (Integer.toUnsignedLong(b.getInt(0x248)) + ((head[0x1f1] & 0xff) + 1L) * 512);
        long length = Integer.toUnsignedLong(b.getInt(0x24c));
        try (InputStream in = open.open()) {
            in.skipNBytes(offset);
            InputStream payload = BoundedInputStream.window(in, length);
            byte[] magic = payload.readNBytes(6);
            InputStream whole = new SequenceInputStream(new ByteArrayInputStream(magic), payload);
            try (InputStream plain = payloadStream(magic, whole)) {
                plain.transferTo(out);
            }
        }
    }

    /** gzip as LinuxKit accepts, and xz (Debian's kernels) as a single stream: the kernel appends its size after it. */
    private static InputStream payloadStream(byte[] magic, InputStream whole) throws IOException {
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return new GZIPInputStream(whole, 1 << 16);
        }
        if (magic.length == 6 && Arrays.equals(magic, XZ_MAGIC)) {
            return new SingleXZInputStream(new BufferedInputStream(whole, 1 << 16));
        }
        throw unsupported("its bzImage payload is neither gzip nor xz");
    }

    private static KilnException unsupported(String why) {
        return KilnException.tried("decompress the kernel", why,
                "drop --decompress-kernel, or use a gzip-compressed kernel");
    }
}
