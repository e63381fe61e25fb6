package dev.kiln.aws;

import dev.kiln.core.Events;
import dev.kiln.disk.DiskSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * S3 multipart upload of a disk's bytes, parts in parallel: parts of at least 8 MiB and at most
 * 10,000 of them (docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html). An unfinished upload
 * is aborted by the cleanup so S3 keeps no hidden parts.
 */
final class MultipartUpload {

    static final long MIN_PART = 8L << 20;
    static final int MAX_PARTS = 10_000;

    private final S3Client s3;
    private final int parallel;
    private final Events events;

    MultipartUpload(S3Client s3, int parallel, Events events) {
        this.s3 = s3;
        this.parallel = parallel;
        this.events = events;
    }

    static long partSize(long size) {
        long fit = (size + MAX_PARTS - 1) / MAX_PARTS;
        long mib = 1L << 20;
        return Math.max(MIN_PART, (fit + mib - 1) / mib * mib);
    }

    void upload(DiskSource disk, String bucket, String key, Cleanup cleanup) throws IOException, InterruptedException {
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        cleanup.add("unfinished upload of s3://" + bucket + "/" + key,
                () -> s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)));
        long part = partSize(disk.size());
        int count = (int) Math.max(1, (disk.size() + part - 1) / part);
        AtomicLong done = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallel, count));
        List<CompletedPart> parts = new ArrayList<>();
        try {
            List<Future<CompletedPart>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int number = i + 1;
                long offset = i * part;
                int length = (int) Math.min(part, disk.size() - offset);
                futures.add(pool.submit(() -> one(disk, bucket, key, uploadId, number, offset, length, done)));
            }
            for (Future<CompletedPart> f : futures) {
                parts.add(get(f));
            }
        } finally {
            pool.shutdownNow();
        }
        s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                .multipartUpload(m -> m.parts(parts)));
        cleanup.forget("unfinished upload of s3://" + bucket + "/" + key);
    }

    private CompletedPart one(DiskSource disk, String bucket, String key, String uploadId, int number, long offset,
                              int length, AtomicLong done) throws IOException {
        byte[] data = new byte[length];
        disk.read(offset, ByteBuffer.wrap(data));
        UploadPartResponse r = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number)
                        .contentLength((long) length),
                RequestBody.fromContentProvider(() -> new ByteArrayInputStream(data), length, "application/octet-stream"));
        events.bytes("upload to s3://" + bucket, done.addAndGet(length), disk.size());
        return CompletedPart.builder().partNumber(number).eTag(r.eTag()).checksumCRC32(r.checksumCRC32())
                .checksumCRC32C(r.checksumCRC32C()).checksumSHA1(r.checksumSHA1()).checksumSHA256(r.checksumSHA256())
                .build();
    }

    private static CompletedPart get(Future<CompletedPart> f) throws IOException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
