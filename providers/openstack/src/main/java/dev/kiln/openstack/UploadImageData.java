package dev.kiln.openstack;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.util.HexFormat;

/**
 * {@code PUT /v2/images/{id}/file} (or {@code /stage}) streamed from an {@link ImageBody} with a known length (a file,
 * or a raw disk's qcow2 generated as it is sent): the body is read as the connection takes it, never copied to a temp
 * file or into memory, and hashed on the way (MD5 for Glance's {@code checksum}, SHA-512 for {@code os_hash_value}):
 * by the thread sending it, or for a generated qcow2 by the thread writing it ({@link ImageBody.SelfHashing}), so
 * hashing and sending overlap.
 */
final class UploadImageData {

    /** What kiln sent. */
    record Sent(long bytes, String md5, String sha512) {
    }

    private UploadImageData() {
    }

    static Sent put(OpenStackHttp http, String url, ImageBody data, Events events) throws InterruptedException {
        Hashing hashing = new Hashing(data, events, "upload");
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(hashing::open), data.size());
        try {
            http.send("PUT", url, body, "application/octet-stream");
            return hashing.sent();
        } finally {
            hashing.close();
        }
    }

    /** The size and hashes of {@code data}: what Glance must report once it has fetched it (web-download). */
    static Sent digest(ImageBody data, Events events) throws InterruptedException {
        try {
            Hashing hashing = new Hashing(data, events, "hash");
            try (InputStream in = hashing.open()) {
                byte[] buf = new byte[1 << 16];
                while (in.read(buf, 0, buf.length) >= 0) {
                    // hashed as it is read
                }
            }
            return hashing.sent();
        } catch (IOException | UncheckedIOException e) {
            throw KilnException.tried("read " + data.name(), KilnException.reason(e), "check the file", e);
        }
    }

    /** Opens the body once per send (a retry starts again from the first byte) and hashes what is read. */
    private static final class Hashing {
        private final ImageBody data;
        private final long size;
        private final Events events;
        private final String label;
        private GlanceHashes hashes;
        private long read;
        private InputStream opened;
        /** Set when the stream hashes itself on its writer's thread; then this only counts. */
        private ImageBody.SelfHashing selfHashing;

        Hashing(ImageBody data, Events events, String label) {
            this.data = data;
            this.size = data.size();
            this.events = events;
            this.label = label;
        }

        synchronized InputStream open() {
            try {
                close();
                hashes = new GlanceHashes();
                read = 0;
                InputStream in = data.open();
                selfHashing = in instanceof ImageBody.SelfHashing h ? h : null;
                opened = new FilterInputStream(in) {
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
                return opened;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private synchronized void update(byte[] b, int off, int n) {
            if (selfHashing == null) {
                hashes.update(b, off, n);
            }
            long before = read;
            read += n;
            if (before / (64L << 20) != read / (64L << 20) || read == size) {
                events.bytes(label, read, size);
            }
        }

        /** Closes the last stream opened, which stops a qcow2 still being written for it. */
        synchronized void close() {
            if (opened != null) {
                try {
                    opened.close();
                } catch (IOException e) {
                    // nothing was written through it
                }
                opened = null;
            }
        }

        synchronized Sent sent() throws InterruptedException {
            if (read != size) {
                throw KilnException.tried(label + " " + data.name(), "only " + read + " of " + size + " bytes were sent",
                        "try again");
            }
            byte[][] digests;
            try {
                digests = selfHashing != null ? selfHashing.digests() : hashes.digests();
            } catch (IOException e) {
                throw KilnException.tried(label + " " + data.name(), KilnException.reason(e), "try again", e);
            }
            HexFormat hex = HexFormat.of();
            return new Sent(read, hex.formatHex(digests[0]), hex.formatHex(digests[1]));
        }
    }
}
