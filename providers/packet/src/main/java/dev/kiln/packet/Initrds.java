package dev.kiln.packet;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * {@code --decompress}: the initrd with its gzip'd part inflated. kiln's initrd may start with an uncompressed
 * microcode cpio (newc, ending in TRAILER!!! and zero padding), which is copied as it is; what follows, or the
 * whole file, is gunzipped (every gzip member); the padding between them is kept. See the kernel's Documentation/driver-api/early-userspace.
 */
final class Initrds {

    private static final int NEWC_HEADER = 110;

    private Initrds() {
    }

    static Path decompressed(Path initrd, Path target) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(initrd));
             OutputStream out = Files.newOutputStream(target)) {
            in.mark(6);
            byte[] magic = in.readNBytes(6);
            in.reset();
            if (new String(magic, StandardCharsets.US_ASCII).equals("070701")) {
                copyCpio(in, out);
                copyZeros(in, out);
            }
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                try (GZIPInputStream gz = new GZIPInputStream(in, 1 << 16)) {
                    gz.transferTo(out);
                }
            } else {
                in.transferTo(out);
            }
        }
        return target;
    }

    /** Copies newc entries up to and including TRAILER!!!, each 4-byte aligned. */
    private static void copyCpio(InputStream in, OutputStream out) throws IOException {
        long offset = 0;
        while (true) {
            byte[] header = in.readNBytes(NEWC_HEADER);
            if (header.length < NEWC_HEADER) {
                throw new EOFException("the initrd's cpio ends before its TRAILER!!!");
            }
            String h = new String(header, StandardCharsets.US_ASCII);
            long fileSize = Long.parseLong(h.substring(54, 62), 16);
            int nameSize = Integer.parseInt(h.substring(94, 102), 16);
            long nameEnd = align(offset + NEWC_HEADER + nameSize);
            byte[] name = in.readNBytes((int) (nameEnd - offset - NEWC_HEADER));
            long dataEnd = align(nameEnd + fileSize);
            out.write(header);
            out.write(name);
            copy(in, out, dataEnd - nameEnd);
            offset = dataEnd;
            if (new String(name, 0, Math.max(0, nameSize - 1), StandardCharsets.US_ASCII).equals("TRAILER!!!")) {
                return;
            }
        }
    }

    private static void copy(InputStream in, OutputStream out, long n) throws IOException {
        byte[] buf = new byte[8192];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                throw new EOFException("the initrd's cpio is truncated");
            }
            out.write(buf, 0, r);
            n -= r;
        }
    }

    /** Padding between concatenated archives, kept as it is. */
    private static void copyZeros(InputStream in, OutputStream out) throws IOException {
        while (true) {
            in.mark(1);
            int b = in.read();
            if (b != 0) {
                in.reset();
                return;
            }
            out.write(0);
        }
    }

    private static long align(long n) {
        return (n + 3) & ~3L;
    }
}
