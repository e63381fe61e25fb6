package dev.kiln.oci;

import dev.kiln.core.KilnException;

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

    @Override
    public InputStream open() throws IOException {
        if (MediaTypes.isZstd(descriptor.mediaType())) {
            throw KilnException.tried("read layer " + digest(), "it is zstd-compressed, which kiln does not read",
                    "use an image whose layers are gzip-compressed or uncompressed");
        }
        VerifyingInputStream raw = (VerifyingInputStream) layout.openBlob(digest(), descriptor.size());
        if (!MediaTypes.isGzip(descriptor.mediaType())) {
            return raw;
        }
        return new VerifiedAtEnd(new GZIPInputStream(new BufferedInputStream(raw, 1 << 16), 1 << 16), raw);
    }

    /**
     * Decompressed content that, when it ends, reads the rest of the compressed blob (gzip may stop
     * before padding) so the digest is always checked before the caller sees end of stream.
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
