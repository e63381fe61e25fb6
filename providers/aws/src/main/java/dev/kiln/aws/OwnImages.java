package dev.kiln.aws;

import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * EC2 {@code DescribeImages} over the caller's own images ({@code Owners=self}), by kiln's digest
 * tag or by name. Failed and deregistered images are left out: they cannot be reused.
 */
final class OwnImages {

    private final Ec2Client ec2;

    OwnImages(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    List<OwnImage> withDigest(String digest) {
        return find(Filter.builder().name("tag:" + Tags.DIGEST).values(digest).build());
    }

    List<OwnImage> named(String name) {
        return find(Filter.builder().name("name").values(name).build());
    }

    /** Images holding this digest or this name, each once. */
    List<OwnImage> withDigestOrName(String digest, String name) {
        Map<String, OwnImage> all = new LinkedHashMap<>();
        withDigest(digest).forEach(i -> all.put(i.imageId(), i));
        named(name).forEach(i -> all.put(i.imageId(), i));
        return new ArrayList<>(all.values());
    }

    private List<OwnImage> find(Filter filter) {
        return ec2.describeImagesPaginator(b -> b.owners("self").filters(filter)).images().stream()
                .map(OwnImage::of)
                .filter(i -> !i.state().equals("failed") && !i.state().equals("deregistered"))
                .toList();
    }
}
