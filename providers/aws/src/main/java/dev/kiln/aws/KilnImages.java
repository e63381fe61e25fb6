package dev.kiln.aws;

import dev.kiln.spi.Made;
import dev.kiln.spi.Resource;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeImagesRequest;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The AMIs kiln made, as {@code kiln ls aws images} and {@code kiln rm aws} see them: EC2 {@code DescribeImages}
 * over the caller's own images ({@code Owners=self}) that carry the {@code kiln:digest} tag, with the snapshots
 * behind each as its parts (docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeImages.html).
 */
final class KilnImages {

    private final Ec2Client ec2;
    private final String region;

    KilnImages(Ec2Client ec2, String region) {
        this.ec2 = ec2;
        this.region = region;
    }

    /** Every image kiln made here, newest first. */
    List<Made> all() {
        return describe(b -> b.owners("self").filters(filter("tag-key", Tags.DIGEST)));
    }

    /** The images kiln named {@code name} ({@code kiln:name}). */
    List<Made> named(String name) {
        return describe(b -> b.owners("self").filters(filter("tag:" + Tags.NAME, name)));
    }

    /** The image with this id, kiln's or not; empty when EC2 no longer knows it. */
    List<Made> byId(String imageId) {
        try {
            return describe(b -> b.imageIds(imageId));
        } catch (AwsServiceException e) {
            if (AwsErrors.gone(e)) {
                return List.of();
            }
            throw e;
        }
    }

    private List<Made> describe(java.util.function.Consumer<DescribeImagesRequest.Builder> request) {
        return ec2.describeImagesPaginator(request).images().stream()
                .filter(i -> !"deregistered".equals(i.stateAsString()))
                .map(this::made)
                .sorted(Made.newestFirst())
                .toList();
    }

    private Made made(Image image) {
        Map<String, String> tags = new TreeMap<>();
        image.tags().forEach(t -> tags.put(t.key(), t.value()));
        Made.Builder made = Made.builder(Made.Kind.IMAGE, image.imageId())
                .name(tags.getOrDefault(Tags.NAME, image.name())).location(region)
                .digest(tags.getOrDefault(Tags.DIGEST, "")).created(instant(image.creationDate()))
                .state(image.stateAsString()).byKiln(tags.containsKey(Tags.DIGEST) || tags.containsKey(Tags.NAME))
                .tags(tags);
        image.blockDeviceMappings().stream().filter(m -> m.ebs() != null && m.ebs().snapshotId() != null)
                .forEach(m -> made.part(Resource.of("snapshot", m.ebs().snapshotId(), region)));
        return made.build();
    }

    static Filter filter(String name, String... values) {
        return Filter.builder().name(name).values(values).build();
    }

    /** EC2's timestamps are ISO 8601 ({@code 2026-11-22T10:00:00.000Z}); an odd one is left out, not fatal. */
    static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
