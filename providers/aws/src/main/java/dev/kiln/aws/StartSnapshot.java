package dev.kiln.aws;

import dev.kiln.api.Retry;
import software.amazon.awssdk.services.ebs.EbsClient;
import software.amazon.awssdk.services.ebs.model.StartSnapshotResponse;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * EBS direct {@code StartSnapshot}: an empty snapshot of a whole number of GiB, tagged from the
 * start (docs.aws.amazon.com/ebs/latest/APIReference/API_StartSnapshot.html). One client token
 * per push, so a retried start returns the same snapshot instead of making a second one.
 */
final class StartSnapshot {

    static final long GIB = 1L << 30;
    /** Minutes without writes after which EBS gives the snapshot up; a failed push cannot leak it for long. */
    static final int IDLE_TIMEOUT_MINUTES = 60;

    private final EbsClient ebs;
    private final Retry retry;

    StartSnapshot(EbsClient ebs, Retry retry) {
        this.ebs = ebs;
        this.retry = retry;
    }

    /**
     * @return the snapshot id and EBS's block size (524288 today). When the start is cancelled (Ctrl-C) the call may
     * still have made the snapshot, and its answer is lost: it is asked once more with the same client token, which
     * returns that snapshot (or makes one), so {@code made} gets an id to remove in either case.
     */
    StartSnapshotResponse start(long diskBytes, String description, Map<String, String> tags,
                                Optional<String> kmsKey, java.util.function.Consumer<String> made)
            throws InterruptedException {
        long gib = Math.max(1, (diskBytes + GIB - 1) / GIB);
        String token = UUID.randomUUID().toString();
        java.util.function.Consumer<software.amazon.awssdk.services.ebs.model.StartSnapshotRequest.Builder> request =
                b -> {
                    b.volumeSize(gib).description(description).tags(Tags.ebs(tags))
                            .timeout(IDLE_TIMEOUT_MINUTES).clientToken(token);
                    kmsKey.ifPresent(k -> b.encrypted(true).kmsKeyArn(k));
                };
        try {
            return retry.call("StartSnapshot", () -> ebs.startSnapshot(request));
        } catch (InterruptedException | software.amazon.awssdk.core.exception.AbortedException e) {
            boolean interrupted = Thread.interrupted();
            try {
                made.accept(ebs.startSnapshot(request).snapshotId());
            } catch (RuntimeException lookup) {
                e.addSuppressed(lookup);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            throw e;
        }
    }
}
