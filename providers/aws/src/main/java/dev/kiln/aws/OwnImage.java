package dev.kiln.aws;

import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.Tag;

import java.util.List;
import java.util.Objects;

/** An image of the caller's own account, as much of it as push needs. */
record OwnImage(String imageId, String name, String digest, String state, List<String> snapshotIds) {

    OwnImage {
        Objects.requireNonNull(imageId, "imageId");
        name = name == null ? "" : name;
        digest = digest == null ? "" : digest;
        state = state == null ? "" : state;
        snapshotIds = List.copyOf(snapshotIds);
    }

    static OwnImage of(Image image) {
        String digest = image.tags().stream().filter(t -> Tags.DIGEST.equals(t.key())).map(Tag::value)
                .findFirst().orElse("");
        List<String> snapshots = image.blockDeviceMappings().stream()
                .filter(m -> m.ebs() != null && m.ebs().snapshotId() != null)
                .map(m -> m.ebs().snapshotId()).toList();
        return new OwnImage(image.imageId(), image.name(), digest, image.stateAsString(), snapshots);
    }
}
