package dev.kiln.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What {@code push} published.
 *
 * @param images    one per region/location the image is in (the first is where it was made)
 * @param outcome   whether it was created, found already published (same digest), or replaced
 * @param resources everything else involved: snapshots, blobs, objects, removed old images
 */
public record PushResult(String provider, String name, String contentDigest, Outcome outcome,
                         List<Placement> images, Map<String, String> tags, List<Resource> resources) {

    public enum Outcome { CREATED, EXISTED, REPLACED, DRY_RUN }

    /** An image id in one place. */
    public record Placement(String location, String imageId) {
        public Placement {
            Objects.requireNonNull(imageId, "imageId");
            location = location == null ? "" : location;
        }
    }

    public PushResult {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(outcome, "outcome");
        images = List.copyOf(images);
        tags = Map.copyOf(tags);
        resources = List.copyOf(resources);
    }

    /** Packer-manifest style: {@code eu-west-1:ami-1,us-east-1:ami-2}, or the bare id without a location. */
    public String artifactId() {
        return images.stream()
                .map(p -> p.location().isEmpty() ? p.imageId() : p.location() + ":" + p.imageId())
                .collect(Collectors.joining(","));
    }
}
