package dev.kiln.aws;

import dev.kiln.api.KilnException;
import dev.kiln.api.Retry;
import software.amazon.awssdk.services.ebs.EbsClient;
import software.amazon.awssdk.services.ebs.model.ChecksumAggregationMethod;
import software.amazon.awssdk.services.ebs.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.ebs.model.Status;

import java.util.Base64;

/**
 * EBS direct {@code CompleteSnapshot} with the number of blocks written and the LINEAR aggregate
 * checksum: SHA-256 over the blocks' SHA-256 digests concatenated in block-index order
 * (docs.aws.amazon.com/ebs/latest/APIReference/API_CompleteSnapshot.html).
 */
final class CompleteSnapshot {

    private final EbsClient ebs;
    private final Retry retry;

    CompleteSnapshot(EbsClient ebs, Retry retry) {
        this.ebs = ebs;
        this.retry = retry;
    }

    void complete(String snapshotId, long changedBlocks, byte[] aggregate) throws InterruptedException {
        String checksum = Base64.getEncoder().encodeToString(aggregate);
        Status status = retry.call("CompleteSnapshot", () -> ebs.completeSnapshot(b -> b.snapshotId(snapshotId)
                .changedBlocksCount(Math.toIntExact(changedBlocks)).checksum(checksum)
                .checksumAlgorithm(ChecksumAlgorithm.SHA256)
                .checksumAggregationMethod(ChecksumAggregationMethod.LINEAR))).status();
        if (status == Status.ERROR) {
            throw KilnException.tried("complete snapshot " + snapshotId, "EBS set it to error", "push again");
        }
    }
}
