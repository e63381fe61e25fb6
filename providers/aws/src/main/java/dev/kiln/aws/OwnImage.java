package dev.kiln.aws;

import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.Tag;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Objects;

/** An image of the caller's own account, as much of it as push needs. */
record OwnImage(String imageId, String name, String digest, String state, List<String> snapshotIds,
                Map<String, String> tags) {

    OwnImage(String imageId, String name, String digest, String state, List<String> snapshotIds) {
        this(imageId, name, digest, state, snapshotIds, Map.of());
    }

    OwnImage {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
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
        Map<String, String> tags = new TreeMap<>();
        image.tags().forEach(t -> tags.put(t.key(), t.value()));
        return new OwnImage(image.imageId(), image.name(), digest, image.stateAsString(), snapshots, tags);
    }
}
