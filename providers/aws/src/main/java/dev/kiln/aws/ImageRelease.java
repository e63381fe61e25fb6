package dev.kiln.aws;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.EbsBlockDevice;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.ImageAttributeName;
import software.amazon.awssdk.services.ec2.model.LaunchPermission;
import software.amazon.awssdk.services.ec2.model.RegisterImageRequest;
import software.amazon.awssdk.services.ec2.model.ResourceType;

import java.util.List;

/**
 * Frees an AMI name and can give it back: {@code DeregisterImage} keeps the image's snapshots (the API's
 * default), so the image can be registered again from them with what {@code DescribeImages} and
 * {@code DescribeImageAttribute launchPermission} said of it (docs.aws.amazon.com/AWSEC2/latest/APIReference/
 * API_DeregisterImage.html). The snapshots are deleted only by {@link #discard}, once the new image exists.
 */
final class ImageRelease {

    private final Ec2Client ec2;
    private final String region;
    private final Events events;

    ImageRelease(Ec2Client ec2, String region, Events events) {
        this.ec2 = ec2;
        this.region = region;
        this.events = events;
    }

    /** Remembers the image, then deregisters it, keeping its snapshots. */
    ReleasedImage release(String imageId) {
        Image image = ec2.describeImages(b -> b.imageIds(imageId)).images().stream().findFirst()
                .orElseThrow(() -> KilnException.tried("free the name of " + imageId + " in " + region,
                        "EC2 no longer lists it", "push again"));
        List<LaunchPermission> launch = ec2.describeImageAttribute(b -> b.imageId(imageId)
                .attribute(ImageAttributeName.LAUNCH_PERMISSION)).launchPermissions();
        ReleasedImage kept = new ReleasedImage(region, imageId, image.name(), again(image), launch,
                OwnImage.of(image).snapshotIds());
        events.info("deregistering " + imageId + " in " + region + " to free the name " + image.name()
                + " (its snapshots " + kept.snapshotIds() + " are kept until the new image exists)");
        new RemoveImage(ec2).deregister(imageId);
        return kept;
    }

    /** Registers the released image again with its old settings, tags and launch permissions; its new id. */
    String restore(ReleasedImage old) {
        String id = ec2.registerImage(old.again()).imageId();
        if (!old.launch().isEmpty()) {
            ec2.modifyImageAttribute(b -> b.imageId(id).launchPermission(p -> p.add(old.launch())));
        }
        events.warn("registered " + old.describe() + " again from its snapshots as " + id);
        return id;
    }

    /** The new image exists: the old image's snapshots go. Best effort: a failure is a warning with the command. */
    void discard(ReleasedImage old) {
        for (String snapshot : old.snapshotIds()) {
            try {
                new DeleteSnapshot(ec2).delete(snapshot);
            } catch (RuntimeException e) {
                events.warn("could not delete " + snapshot + " of the replaced image " + old.describe() + " ("
                        + AwsErrors.rootMessage(e) + "); remove it with 'aws ec2 delete-snapshot --region " + region
                        + " --snapshot-id " + snapshot + "'");
            }
        }
    }

    /** RegisterImage as the image was: name, description, architecture, boot mode, ENA, TPM, IMDS, devices, tags. */
    static RegisterImageRequest again(Image image) {
        RegisterImageRequest.Builder b = RegisterImageRequest.builder().name(image.name())
                .description(image.description()).architecture(image.architecture())
                .virtualizationType(image.virtualizationTypeAsString()).rootDeviceName(image.rootDeviceName())
                .blockDeviceMappings(image.blockDeviceMappings().stream().map(ImageRelease::mapping).toList())
                .enaSupport(image.enaSupport()).sriovNetSupport(image.sriovNetSupport())
                .bootMode(image.bootModeAsString()).tpmSupport(image.tpmSupportAsString())
                .imdsSupport(image.imdsSupportAsString());
        if (!image.tags().isEmpty()) {
            b.tagSpecifications(t -> t.resourceType(ResourceType.IMAGE).tags(image.tags()));
        }
        return b.build();
    }

    /** A mapping as RegisterImage takes it: from the snapshot, without the encryption settings it inherits. */
    private static BlockDeviceMapping mapping(BlockDeviceMapping m) {
        if (m.ebs() == null) {
            return m;
        }
        EbsBlockDevice e = m.ebs();
        return m.toBuilder().ebs(EbsBlockDevice.builder().snapshotId(e.snapshotId()).volumeSize(e.volumeSize())
                .volumeType(e.volumeType()).iops(e.iops()).throughput(e.throughput())
                .deleteOnTermination(e.deleteOnTermination()).build()).build();
    }
}
