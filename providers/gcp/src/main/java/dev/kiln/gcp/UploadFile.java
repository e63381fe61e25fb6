package dev.kiln.gcp;

import dev.kiln.api.KilnException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.zip.CRC32C;

/**
 * The file being uploaded, read range by range straight from disk ({@link FileRangeBody}, never
 * whole in memory), and its CRC32C computed on the way. A range sent again after a fault is read
 * again but hashed once: only bytes past the hashed frontier go into the checksum, so the value
 * is the file's whatever the server made kiln resend.
 */
final class UploadFile {

    private final Path path;
    private final long size;
    private final CRC32C crc = new CRC32C();
    private long hashed;

    private UploadFile(Path path, long size) {
        this.path = path;
        this.size = size;
    }

    static UploadFile of(Path path) {
        try {
            return new UploadFile(path, Files.size(path));
        } catch (IOException e) {
            throw KilnException.tried("read " + path, e.getMessage(), "check the path");
        }
    }

    Path path() {
        return path;
    }

    long size() {
        return size;
    }

    /**
     * Bytes {@code [offset, offset + length)} of the file (length > 0) as a request body of exactly
     * that length; {@code sent} hears of each slice's end as it goes out, for progress.
     */
    FileRangeBody body(long offset, long length, LongConsumer sent) {
        return new FileRangeBody(path, offset, offset + length, (bytes, position) -> {
            int n = bytes.remaining();
            hash(bytes, position);
            sent.accept(position + n);
        });
    }

    /** The CRC32C as GCS reports it, once every byte went through {@link #body}; empty before. */
    synchronized Optional<String> crc32c() {
        return hashed == size ? Optional.of(encode(crc.getValue())) : Optional.empty();
    }

    /** GCS reports CRC32C as base64 of the big-endian 32-bit value (cloud.google.com/storage/docs/hashes-etags). */
    static String encode(long crc) {
        byte[] b = {(byte) (crc >>> 24), (byte) (crc >>> 16), (byte) (crc >>> 8), (byte) crc};
        return java.util.Base64.getEncoder().encodeToString(b);
    }

    /** Called as each slice is sent, one range after another. */
    private synchronized void hash(ByteBuffer b, long position) {
        int n = b.remaining();
        if (position <= hashed && position + n > hashed) {
            b.position(b.position() + (int) (hashed - position));
            crc.update(b);
            hashed = position + n;
        }
    }
}
