package dev.kiln.oci;

import dev.kiln.core.Digests;
import dev.kiln.api.KilnException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Hashes what passes through and, at end of stream, refuses content whose sha256 or length is
 * not what the descriptor promised. Nothing read from a registry or the cache is used unchecked.
 */
final class VerifyingInputStream extends FilterInputStream {

    private final MessageDigest sha256 = Digests.sha256();
    private final String expected;
    private final long size;
    private final String where;
    private long count;
    private boolean verified;

    /**
     * @param size  the expected length, or -1 when unknown
     * @param where what to name as the source in an error (a registry URL, the cache)
     */
    VerifyingInputStream(InputStream in, String expected, long size, String where) {
        super(in);
        this.expected = Blobs.checkDigest(expected);
        this.size = size;
        this.where = where;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n < 0) {
            verify();
            return -1;
        }
        sha256.update(b, off, n);
        count += n;
        if (size >= 0 && count > size) {
            throw KilnException.tried("read blob " + expected + " from " + where,
                    "it is longer than the " + size + " bytes its descriptor names, so it was refused", "");
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(n, 8192)];
        int r = read(buf, 0, buf.length);
        return Math.max(r, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Reads what is left and checks the digest; used when a consumer stops before end of stream. */
    void drainAndVerify() throws IOException {
        byte[] buf = new byte[64 * 1024];
        while (read(buf, 0, buf.length) >= 0) {
            continue;
        }
    }

    private void verify() {
        if (verified) {
            return;
        }
        verified = true;
        String actual = "sha256:" + Digests.hex(sha256.digest());
        if (!actual.equals(expected)) {
            throw Blobs.mismatch(expected, actual, where);
        }
        if (size >= 0 && count != size) {
            throw KilnException.tried("read blob " + expected + " from " + where,
                    "it has " + count + " bytes where its descriptor names " + size + ", so it was refused", "");
        }
    }
}
