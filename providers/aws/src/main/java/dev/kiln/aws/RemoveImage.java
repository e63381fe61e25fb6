package dev.kiln.aws;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * EC2 {@code DeregisterImage}, then {@code DeleteSnapshot} for each of its snapshots. An image that is
 * already gone counts as deregistered, so its snapshots are still deleted.
 */
final class RemoveImage {

    private final Ec2Client ec2;

    RemoveImage(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    void deregister(String imageId) {
        try {
            ec2.deregisterImage(b -> b.imageId(imageId));
        } catch (AwsServiceException e) {
            if (!AwsErrors.gone(e)) {
                throw e;
            }
        }
    }

    void remove(OwnImage image) {
        deregister(image.imageId());
        DeleteSnapshot snapshots = new DeleteSnapshot(ec2);
        image.snapshotIds().forEach(snapshots::delete);
    }
}
