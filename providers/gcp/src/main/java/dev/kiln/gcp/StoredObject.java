package dev.kiln.gcp;

import com.google.cloud.storage.BlobInfo;

import java.util.Map;

/**
 * An object in Cloud Storage as objects.get and the last request of an upload describe it.
 *
 * @param crc32c   base64 of the big-endian CRC32C, as GCS reports it (cloud.google.com/storage/docs/hashes-etags)
 * @param metadata the object's custom metadata (kiln keeps the content digest in it)
 */
record StoredObject(String bucket, String name, long size, String crc32c, Map<String, String> metadata) {

    StoredObject {
        metadata = Map.copyOf(metadata);
    }

    static StoredObject of(BlobInfo blob) {
        Map<String, String> metadata = new java.util.LinkedHashMap<>();
        if (blob.getMetadata() != null) {
            blob.getMetadata().forEach((k, v) -> {
                if (k != null && v != null) {
                    metadata.put(k, v);
                }
            });
        }
        return new StoredObject(blob.getBucket(), blob.getName(), blob.getSize() == null ? -1 : blob.getSize(),
                blob.getCrc32c() == null ? "" : blob.getCrc32c(), metadata);
    }

    String uri() {
        return "gs://" + bucket + "/" + name;
    }

    /** GCS reports CRC32C as base64 of the big-endian 32-bit value. */
    static String encode(long crc) {
        byte[] b = {(byte) (crc >>> 24), (byte) (crc >>> 16), (byte) (crc >>> 8), (byte) crc};
        return java.util.Base64.getEncoder().encodeToString(b);
    }
}
