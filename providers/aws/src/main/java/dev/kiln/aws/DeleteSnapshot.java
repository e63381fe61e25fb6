package dev.kiln.aws;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** EC2 {@code DeleteSnapshot}; a snapshot that is already gone counts as deleted. */
final class DeleteSnapshot {

    private final Ec2Client ec2;

    DeleteSnapshot(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    void delete(String snapshotId) {
        try {
            ec2.deleteSnapshot(b -> b.snapshotId(snapshotId));
        } catch (AwsServiceException e) {
            if (!AwsErrors.notFound(e)) {
                throw e;
            }
        }
    }
}
