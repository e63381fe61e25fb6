package dev.kiln.aws;

import dev.kiln.api.Retry;
import dev.kiln.spi.Cleanup;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.ByteArrayInputStream;
import java.util.List;

/**
 * S3 {@code CreateMultipartUpload}, {@code UploadPart}, {@code CompleteMultipartUpload} and, on failure or Ctrl-C,
 * {@code AbortMultipartUpload}: the abort is registered for cleanup the moment the upload exists,
 * so S3 keeps no hidden (and billed) parts of an upload that did not finish.
 */
final class MultipartUpload {

    private final S3Client s3;
    private final Retry retry;
    private final Retry cleanupRetry;
    private final String bucket;
    private final String key;
    private final String uploadId;
    private final String what;

    private final Cleanup.Handle abort;

    private MultipartUpload(S3Client s3, Policies policies, String bucket, String key, String uploadId,
                            Cleanup cleanup) {
        this.s3 = s3;
        this.retry = policies.calls();
        this.cleanupRetry = policies.cleanup();
        this.bucket = bucket;
        this.key = key;
        this.uploadId = uploadId;
        this.what = "unfinished multipart upload of s3://" + bucket + "/" + key;
        this.abort = cleanup.add(what, this::abort);
    }

    /** CreateMultipartUpload is not retried: a retry after a lost answer would leave an upload nobody aborts. */
    static MultipartUpload start(S3Client s3, Policies policies, String bucket, String key, Cleanup cleanup) {
        String id = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        return new MultipartUpload(s3, policies, bucket, key, id, cleanup);
    }

    /**
     * S3 {@code UploadPart} of one buffered part, attempted again on throttling, 5xx and broken
     * connections; the body is read from the caller's buffer on every attempt, never copied.
     */
    CompletedPart upload(int number, byte[] data, int length) throws InterruptedException {
        UploadPartResponse r = retry.call("UploadPart " + number, () -> s3.uploadPart(
                b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number).contentLength((long) length),
                RequestBody.fromContentProvider(() -> new ByteArrayInputStream(data, 0, length), length,
                        "application/octet-stream")));
        return CompletedPart.builder().partNumber(number).eTag(r.eTag()).checksumCRC32(r.checksumCRC32())
                .checksumCRC32C(r.checksumCRC32C()).checksumSHA1(r.checksumSHA1()).checksumSHA256(r.checksumSHA256())
                .build();
    }

    void complete(List<CompletedPart> parts) throws InterruptedException {
        retry.call("CompleteMultipartUpload", () -> s3.completeMultipartUpload(
                b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts))));
        abort.keep();
    }

    private void abort() throws InterruptedException {
        cleanupRetry.call("AbortMultipartUpload",
                () -> s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)));
    }
}
