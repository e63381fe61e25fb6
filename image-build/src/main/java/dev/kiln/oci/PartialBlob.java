package dev.kiln.oci;

import dev.kiln.core.Digests;
import dev.kiln.disk.compress.BufferPool;
import dev.kiln.api.KilnException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.function.LongConsumer;

/**
 * A blob arriving in the cache's temporary folder, possibly over several requests: what arrived
 * stays, the next request asks for the rest with {@code Range}, and the sha256 runs over the
 * whole blob. No more than the descriptor's size is ever read; a longer body is refused.
 */
final class PartialBlob implements AutoCloseable {

    private static final int CHUNK = 1 << 17;
    private static final int PAGE = 4096;
    /** Write buffers of 1 MiB, page-aligned; one per blob being fetched, reused across blobs. */
    private static final BufferPool WRITES = new BufferPool(1 << 20);

    private final OciLayout layout;
    private final Descriptor blob;
    private final String where;
    private final Path file;
    private MessageDigest sha256 = Digests.sha256();
    private long length;
    /** Where the unwritten bytes of the write buffer begin. */
    private int start;
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
     * says or turns out to be longer is refused without being read on. What was hashed is in the
     * file when this returns or throws (a failed write starts the blob over), so a retry's
     * {@code Range} starts at {@link #length()}.
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
        ByteBuffer pending = WRITES.take();
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            // byte i of the buffer lands at a file offset with the same remainder modulo the page size
            start = (int) (length % PAGE);
            pending.position(start);
            try {
                while (remaining > 0) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
                    if (n < 0) {
                        break;
                    }
                    if (pending.remaining() < n) {
                        write(out, pending, false);
                    }
                    pending.put(buf, 0, n);
                    sha256.update(buf, 0, n);
                    length += n;
                    remaining -= n;
                    if (length - reported >= (1 << 20)) {
                        progress.accept(length);
                        reported = length;
                    }
                }
            } finally {
                write(out, pending, true);
            }
        } finally {
            WRITES.give(pending);
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

    /**
     * Writes the buffer's bytes from {@code start}: all of them when {@code all}, else up to the last
     * page boundary, keeping the rest at the buffer's start. The kernel copies into the page cache
     * several times faster when the source is aligned as the file offset is (see
     * {@link BufferPool#aligned}); a write that fails starts the blob over.
     */
    private void write(FileChannel out, ByteBuffer pending, boolean all) throws IOException {
        int end = pending.position();
        int upTo = all ? end : end - end % PAGE;
        try {
            pending.limit(upTo).position(start);
            while (pending.hasRemaining()) {
                out.write(pending);
            }
        } catch (IOException | RuntimeException e) {
            pending.clear();
            start = 0;
            restart();
            throw e;
        }
        pending.limit(end).position(upTo);
        pending.compact();
        start = 0;
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
