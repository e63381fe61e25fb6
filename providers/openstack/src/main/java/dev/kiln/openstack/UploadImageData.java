package dev.kiln.openstack;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@code PUT /v2/images/{id}/file} (or {@code /stage}) streamed from the file with a known length: the body is read
 * 64 KiB at a time as the connection takes it, never copied to a temp file or into memory, and hashed on the way
 * (MD5 for Glance's {@code checksum}, SHA-512 for {@code os_hash_value}).
 */
final class UploadImageData {

    /** What kiln sent. */
    record Sent(long bytes, String md5, String sha512) {
    }

    private UploadImageData() {
    }

    static Sent put(OpenStackHttp http, String url, Path file, Events events) throws InterruptedException {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw KilnException.tried("read " + file, KilnException.reason(e), "check the file", e);
        }
        Hashing hashing = new Hashing(file, size, events, "upload");
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(hashing::open), size);
        http.send("PUT", url, body, "application/octet-stream");
        return hashing.sent();
    }

    /** The size and hashes of {@code file}: what Glance must report once it has fetched it (web-download). */
    static Sent digest(Path file, Events events) {
        try {
            Hashing hashing = new Hashing(file, Files.size(file), events, "hash");
            try (InputStream in = hashing.open()) {
                byte[] buf = new byte[1 << 16];
                while (in.read(buf, 0, buf.length) >= 0) {
                    // hashed as it is read
                }
            }
            return hashing.sent();
        } catch (IOException | UncheckedIOException e) {
            throw KilnException.tried("read " + file, KilnException.reason(e), "check the file", e);
        }
    }

    /** Opens the file once per send and hashes what is read. */
    private static final class Hashing {
        private final Path file;
        private final long size;
        private final Events events;
        private final String label;
        private MessageDigest md5;
        private MessageDigest sha512;
        private long read;

        Hashing(Path file, long size, Events events, String label) {
            this.file = file;
            this.size = size;
            this.events = events;
            this.label = label;
        }

        synchronized InputStream open() {
            try {
                md5 = MessageDigest.getInstance("MD5");
                sha512 = MessageDigest.getInstance("SHA-512");
                read = 0;
                return new FilterInputStream(Files.newInputStream(file)) {
                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        int n = super.read(b, off, len);
                        if (n > 0) {
                            update(b, off, n);
                        }
                        return n;
                    }

                    @Override
                    public int read() throws IOException {
                        byte[] one = new byte[1];
                        int n = read(one, 0, 1);
                        return n < 0 ? -1 : one[0] & 0xff;
                    }
                };
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        private synchronized void update(byte[] b, int off, int n) {
            md5.update(b, off, n);
            sha512.update(b, off, n);
            long before = read;
            read += n;
            if (before / (64L << 20) != read / (64L << 20) || read == size) {
                events.bytes(label, read, size);
            }
        }

        synchronized Sent sent() {
            if (read != size) {
                throw KilnException.tried(label + " " + file, "only " + read + " of " + size + " bytes were sent",
                        "try again");
            }
            HexFormat hex = HexFormat.of();
            return new Sent(read, hex.formatHex(md5.digest()), hex.formatHex(sha512.digest()));
        }
    }
}
