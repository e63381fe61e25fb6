package dev.kiln.aws;

import dev.kiln.api.KilnException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;

import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Finds the image {@code run aws} starts: an {@code ami-} id as is, else a name among the
 * caller's own images first, then among all images the caller may launch. Two images with one
 * name are an error that lists them (LinuxKit silently took the first).
 */
final class ImageLookup {

    private static final Pattern ID = Pattern.compile("ami-[0-9a-f]{8,17}");

    private final Ec2Client ec2;

    ImageLookup(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    Image find(String idOrName, String region) {
        if (ID.matcher(idOrName).matches()) {
            return ec2.describeImages(b -> b.imageIds(idOrName)).images().stream().findFirst()
                    .orElseThrow(() -> missing(idOrName, region));
        }
        Filter name = Filter.builder().name("name").values(idOrName).build();
        List<Image> own = ec2.describeImages(b -> b.owners("self").filters(name)).images();
        List<Image> found = own.isEmpty() ? ec2.describeImages(b -> b.filters(name)).images() : own;
        if (found.isEmpty()) {
            throw missing(idOrName, region);
        }
        if (found.size() > 1) {
            throw KilnException.usage("More than one image is named " + idOrName + " in " + region + ": "
                    + String.join(", ", found.stream().sorted(Comparator.comparing(Image::creationDate,
                            Comparator.nullsFirst(Comparator.naturalOrder())))
                    .map(i -> i.imageId() + " (owner " + i.ownerId() + ", created " + i.creationDate() + ")").toList())
                    + "; pass the image id instead");
        }
        return found.get(0);
    }

    private static KilnException missing(String image, String region) {
        return KilnException.usage("No image " + image + " in " + region + " that this account may launch; "
                + "push it with 'kiln push aws' or check --region");
    }
}
