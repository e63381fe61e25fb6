package dev.kiln.oci;

import dev.kiln.core.Digests;
import dev.kiln.api.KilnException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.function.LongConsumer;

/**
 * A blob arriving in the cache's temporary folder, possibly over several requests: what arrived
 * stays, the next request asks for the rest with {@code Range}, and the sha256 runs over the
 * whole blob. No more than the descriptor's size is ever read; a longer body is refused.
 */
final class PartialBlob implements AutoCloseable {

    private static final int CHUNK = 1 << 17;

    private final OciLayout layout;
    private final Descriptor blob;
    private final String where;
    private final Path file;
    private MessageDigest sha256 = Digests.sha256();
    private long length;
    private boolean stored;

    PartialBlob(OciLayout layout, Descriptor blob, String where) throws IOException {
        this.layout = layout;
        this.blob = blob;
        this.where = where;
        this.file = layout.tempFile();
    }

    /** Bytes kept so far: where the next request starts. */
    long length() {
        return length;
    }

    /** Forgets what arrived, for a server that answers a range with the whole blob. */
    void restart() throws IOException {
        Files.write(file, new byte[0]);
        sha256 = Digests.sha256();
        length = 0;
    }

    /**
     * Appends a body that starts at {@link #length()}, up to the descriptor's size. A body that
     * says or turns out to be longer is refused without being read on.
     */
    void append(Transport.Response resp, LongConsumer progress) throws IOException {
        long remaining = blob.size() - length;
        if (resp.contentLength().isPresent() && resp.contentLength().getAsLong() > remaining) {
            resp.discard();
            throw tooLong("its answer says " + resp.contentLength().getAsLong() + " bytes where "
                    + remaining + " were left");
        }
        InputStream in = resp.body();
        byte[] buf = new byte[CHUNK];
        long reported = length;
        try (OutputStream out = Files.newOutputStream(file, java.nio.file.StandardOpenOption.APPEND)) {
            while (remaining > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
                if (n < 0) {
                    break;
                }
                out.write(buf, 0, n);
                sha256.update(buf, 0, n);
                length += n;
                remaining -= n;
                if (length - reported >= (1 << 20)) {
                    progress.accept(length);
                    reported = length;
                }
            }
        }
        progress.accept(length);
        if (remaining > 0) {
            throw new java.io.EOFException(where + " ended blob " + blob.digest() + " after " + length + " of "
                    + blob.size() + " bytes");
        }
        if (moreAfterTheEnd(in)) {
            resp.discard();
            throw tooLong("the registry kept sending after them");
        }
    }

    private static boolean moreAfterTheEnd(InputStream in) {
        try {
            return in.read() >= 0;
        } catch (IOException e) {
            return false; // every promised byte is here; the digest decides
        }
    }

    /** Checks the digest over the whole blob and moves it into place. */
    void store() throws IOException {
        String actual = "sha256:" + Digests.hex(sha256.digest());
        if (!actual.equals(blob.digest())) {
            throw Blobs.mismatch(blob.digest(), actual, where);
        }
        layout.adopt(file, actual);
        stored = true;
    }

    private KilnException tooLong(String detail) {
        return KilnException.tried("pull blob " + blob.digest() + " from " + where,
                "it is longer than the " + blob.size() + " bytes its descriptor names (" + detail
                        + "), so it was refused", "the registry is broken or hostile; report it to its operator");
    }

    @Override
    public void close() throws IOException {
        if (!stored) {
            Files.deleteIfExists(file);
        }
    }
}
