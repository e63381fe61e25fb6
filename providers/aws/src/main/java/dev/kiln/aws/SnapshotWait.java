package dev.kiln.aws;

import dev.kiln.api.KilnException;
import dev.kiln.api.Poll;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.SnapshotState;

import java.util.Optional;

/** EC2 {@code DescribeSnapshots} until the snapshot is {@code completed}; {@code error} fails. */
final class SnapshotWait {

    private final Ec2Client ec2;
    private final Poll poller;

    SnapshotWait(Ec2Client ec2, Poll poller) {
        this.ec2 = ec2;
        this.poller = poller;
    }

    void completed(String snapshotId) throws InterruptedException {
        poller.until("snapshot " + snapshotId + " to complete", () -> state(snapshotId));
    }

    private Optional<Snapshot> state(String snapshotId) {
        Snapshot s;
        try {
            s = ec2.describeSnapshots(b -> b.snapshotIds(snapshotId)).snapshots().stream().findFirst().orElse(null);
        } catch (AwsServiceException e) {
            if (AwsErrors.notFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
        if (s == null) {
            return Optional.empty();
        }
        if (s.state() == SnapshotState.ERROR) {
            throw KilnException.tried("make snapshot " + snapshotId, "EC2 says it failed"
                    + (s.stateMessage() == null ? "" : ": " + s.stateMessage()), "push again");
        }
        return s.state() == SnapshotState.COMPLETED ? Optional.of(s) : Optional.empty();
    }
}
