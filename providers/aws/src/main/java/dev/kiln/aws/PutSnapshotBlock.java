package dev.kiln.aws;

import dev.kiln.api.Retry;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ebs.EbsClient;
import software.amazon.awssdk.services.ebs.model.ChecksumAlgorithm;

import java.io.ByteArrayInputStream;
import java.util.Base64;

/**
 * EBS direct {@code PutSnapshotBlock}: one 512 KiB block with its SHA-256, which EBS verifies
 * (docs.aws.amazon.com/ebs/latest/APIReference/API_PutSnapshotBlock.html). Throttling, 5xx,
 * broken connections and slow attempts are retried; right after StartSnapshot the snapshot can
 * briefly be unknown (awslabs/coldsnap#43), so "not found" is retried too (the caller passes {@link Policies#blocks}).
 */
final class PutSnapshotBlock implements BlockSink {

    private final EbsClient ebs;
    private final Retry retry;

    PutSnapshotBlock(EbsClient ebs, Retry retry) {
        this.ebs = ebs;
        this.retry = retry;
    }

    /** {@code data} is read, never copied: it must not change until this returns. */
    @Override
    public void put(String snapshotId, long index, byte[] data, byte[] sha256) throws InterruptedException {
        String checksum = Base64.getEncoder().encodeToString(sha256);
        retry.call("block " + index, () -> ebs.putSnapshotBlock(b -> b.snapshotId(snapshotId)
                        .blockIndex(Math.toIntExact(index)).dataLength(data.length)
                        .checksum(checksum).checksumAlgorithm(ChecksumAlgorithm.SHA256),
                RequestBody.fromContentProvider(() -> new ByteArrayInputStream(data), data.length,
                        "application/octet-stream")));
    }
}
