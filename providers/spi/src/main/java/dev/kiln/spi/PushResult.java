package dev.kiln.spi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What {@code push} published. Built with {@link #builder}, so adding a field later breaks no provider.
 * {@code images} has one placement per region/location the image is in (the first is where it was made);
 * {@code resources} lists everything else involved: snapshots, blobs, objects, removed old images.
 */
public final class PushResult {

    public enum Outcome { CREATED, EXISTED, REPLACED, DRY_RUN }

    /** An image id in one place. */
    public record Placement(String location, String imageId) {
        public Placement {
            Objects.requireNonNull(imageId, "imageId");
            location = location == null ? "" : location;
        }
    }

    private final String provider;
    private final String name;
    private final String contentDigest;
    private final Outcome outcome;
    private final List<Placement> images;
    private final Map<String, String> tags;
    private final List<Resource> resources;

    private PushResult(Builder b) {
        this.provider = Objects.requireNonNull(b.provider, "provider");
        this.name = Objects.requireNonNull(b.name, "name");
        this.contentDigest = b.contentDigest;
        this.outcome = Objects.requireNonNull(b.outcome, "outcome");
        this.images = List.copyOf(b.images);
        this.tags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.tags));
        this.resources = List.copyOf(b.resources);
        if (images.isEmpty() && outcome != Outcome.DRY_RUN) {
            throw new IllegalStateException("a push that did not dry-run names at least one image");
        }
    }

    /** A result for the request's provider, name and content digest; add the outcome and images. */
    public static Builder builder(String provider, PushRequest request) {
        return new Builder(provider).name(request.name()).contentDigest(request.contentDigest());
    }

    public static Builder builder(String provider) {
        return new Builder(provider);
    }

    public String provider() {
        return provider;
    }

    public String name() {
        return name;
    }

    public String contentDigest() {
        return contentDigest;
    }

    public Outcome outcome() {
        return outcome;
    }

    public List<Placement> images() {
        return images;
    }

    public Map<String, String> tags() {
        return tags;
    }

    public List<Resource> resources() {
        return resources;
    }

    /** Packer-manifest style: {@code eu-west-1:ami-1,us-east-1:ami-2}, or the bare id without a location. */
    public String artifactId() {
        return images.stream()
                .map(p -> p.location().isEmpty() ? p.imageId() : p.location() + ":" + p.imageId())
                .collect(Collectors.joining(","));
    }

    @Override
    public String toString() {
        return "PushResult[" + provider + " " + name + " " + outcome + " " + artifactId() + "]";
    }

    public static final class Builder {
        private final String provider;
        private String name;
        private String contentDigest;
        private Outcome outcome;
        private final List<Placement> images = new ArrayList<>();
        private final Map<String, String> tags = new LinkedHashMap<>();
        private final List<Resource> resources = new ArrayList<>();

        private Builder(String provider) {
            this.provider = provider;
        }

        public Builder name(String value) {
            name = value;
            return this;
        }

        public Builder contentDigest(String value) {
            contentDigest = value;
            return this;
        }

        public Builder outcome(Outcome value) {
            outcome = value;
            return this;
        }

        public Builder image(String location, String imageId) {
            images.add(new Placement(location, imageId));
            return this;
        }

        public Builder images(List<Placement> value) {
            images.addAll(value);
            return this;
        }

        public Builder tags(Map<String, String> value) {
            tags.putAll(value);
            return this;
        }

        public Builder resource(Resource value) {
            resources.add(value);
            return this;
        }

        public Builder resources(List<Resource> value) {
            resources.addAll(value);
            return this;
        }

        public PushResult build() {
            return new PushResult(this);
        }
    }
}
