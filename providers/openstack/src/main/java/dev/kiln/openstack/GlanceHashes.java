package dev.kiln.openstack;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** What Glance computes of an image's bytes, and kiln with it: MD5 ({@code checksum}) and SHA-512 ({@code os_hash_value}). */
final class GlanceHashes {

    private final MessageDigest md5 = digest("MD5");
    private final MessageDigest sha512 = digest("SHA-512");

    void update(byte[] b, int off, int n) {
        md5.update(b, off, n);
        sha512.update(b, off, n);
    }

    /** {MD5, SHA-512} of everything updated so far; the hashes start again empty. */
    byte[][] digests() {
        return new byte[][] {md5.digest(), sha512.digest()};
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this Java runtime", e);
        }
    }
}
