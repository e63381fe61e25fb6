package dev.kiln.oci;

import com.github.luben.zstd.ZstdInputStream;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** A layer blob in the cache; {@link #open()} decompresses it and verifies its digest on the way. */
record CachedLayer(OciLayout layout, Descriptor descriptor) implements Layer {

    @Override
    public String digest() {
        return descriptor.digest();
    }

    @Override
    public String mediaType() {
        return descriptor.mediaType();
    }

    /** The layer's tar, decompressed as its media type says: gzip, zstd (RFC 8878 frames) or none. */
    @Override
    public InputStream open() throws IOException {
        VerifyingInputStream raw = (VerifyingInputStream) layout.openBlob(digest(), descriptor.size());
        if (MediaTypes.isGzip(descriptor.mediaType())) {
            return new VerifiedAtEnd(new GZIPInputStream(new BufferedInputStream(raw, 1 << 16), 1 << 16), raw);
        }
        if (MediaTypes.isZstd(descriptor.mediaType())) {
            return new VerifiedAtEnd(new ZstdInputStream(new BufferedInputStream(raw, 1 << 16)), raw);
        }
        return raw;
    }

    /**
     * Decompressed content that, when it ends, reads the rest of the compressed blob (gzip and zstd
     * may stop before padding or skippable frames) so the digest is always checked before the caller sees end of stream.
     */
    private static final class VerifiedAtEnd extends FilterInputStream {

        private final VerifyingInputStream raw;

        VerifiedAtEnd(InputStream decompressed, VerifyingInputStream raw) {
            super(decompressed);
            this.raw = raw;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException e) {
                // a corrupt blob usually breaks the decompressor first; name the blob if that is why
                raw.drainAndVerify();
                throw e;
            }
            if (n < 0) {
                raw.drainAndVerify();
            }
            return n;
        }
    }
}
