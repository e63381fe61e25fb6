package dev.kiln.aws;

import dev.kiln.api.KilnException;
import dev.kiln.api.Poll;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.ImageState;

import java.util.Optional;

/** EC2 {@code DescribeImages} by id until the image is {@code available}; failed states fail. */
final class ImageWait {

    private final Ec2Client ec2;
    private final Poll poller;

    ImageWait(Ec2Client ec2, Poll poller) {
        this.ec2 = ec2;
        this.poller = poller;
    }

    OwnImage available(String imageId, String region) throws InterruptedException {
        return poller.until("image " + imageId + " in " + region + " to become available", () -> state(imageId));
    }

    private Optional<OwnImage> state(String imageId) {
        Image image;
        try {
            image = ec2.describeImages(b -> b.imageIds(imageId)).images().stream().findFirst().orElse(null);
        } catch (AwsServiceException e) {
            if (AwsErrors.notFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
        if (image == null) {
            return Optional.empty();
        }
        ImageState state = image.state();
        if (state == ImageState.FAILED || state == ImageState.ERROR || state == ImageState.INVALID
                || state == ImageState.DEREGISTERED) {
            String reason = image.stateReason() == null ? "" : ": " + image.stateReason().message();
            throw KilnException.tried("make image " + imageId, "EC2 says it is " + image.stateAsString() + reason,
                    "push again");
        }
        return state == ImageState.AVAILABLE ? Optional.of(OwnImage.of(image)) : Optional.empty();
    }
}
