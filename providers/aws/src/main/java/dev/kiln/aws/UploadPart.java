package dev.kiln.aws;

import dev.kiln.core.Events;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.ByteArrayInputStream;

/**
 * S3 {@code UploadPart} of one buffered part, attempted again on throttling, 5xx and broken
 * connections; the body is read from the caller's buffer on every attempt, never copied.
 */
final class UploadPart {

    private final S3Client s3;
    private final Retry retry;
    private final Events events;
    private final String bucket;
    private final String key;
    private final String uploadId;

    UploadPart(S3Client s3, Retry retry, Events events, String bucket, String key, String uploadId) {
        this.s3 = s3;
        this.retry = retry;
        this.events = events;
        this.bucket = bucket;
        this.key = key;
        this.uploadId = uploadId;
    }

    CompletedPart upload(int number, byte[] data, int length) throws InterruptedException {
        UploadPartResponse r = retry.call("UploadPart " + number, events, () -> s3.uploadPart(
                b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number).contentLength((long) length),
                RequestBody.fromContentProvider(() -> new ByteArrayInputStream(data, 0, length), length,
                        "application/octet-stream")));
        return CompletedPart.builder().partNumber(number).eTag(r.eTag()).checksumCRC32(r.checksumCRC32())
                .checksumCRC32C(r.checksumCRC32C()).checksumSHA1(r.checksumSHA1()).checksumSHA256(r.checksumSHA256())
                .build();
    }
}
