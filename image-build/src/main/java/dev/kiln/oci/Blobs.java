package dev.kiln.oci;

import dev.kiln.api.KilnException;

import java.util.regex.Pattern;

/** Rules for blob digests shared by the cache, the registry client and the importers. */
final class Blobs {

    private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");

    private Blobs() {
    }

    /** Only sha256 digests are accepted: they are what registries and layouts use, and they name a safe file. */
    static String checkDigest(String digest) {
        if (digest == null || !SHA256.matcher(digest).matches()) {
            throw KilnException.tried("read a blob named '" + digest + "'", "kiln only accepts sha256 digests",
                    "check the manifest or layout that names it");
        }
        return digest;
    }

    static String hex(String digest) {
        return checkDigest(digest).substring("sha256:".length());
    }

    /** The error for content whose hash is not the digest it was asked for, naming both. */
    static KilnException mismatch(String expected, String actual, String where) {
        return KilnException.tried("verify blob " + expected + " from " + where,
                "its content hashes to " + actual + ", so it was refused",
                "the source is corrupt or was tampered with; remove the copy (kiln cache rm / gc) or pull again");
    }
}
