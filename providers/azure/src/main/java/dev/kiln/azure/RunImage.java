package dev.kiln.azure;

import com.azure.resourcemanager.compute.fluent.models.GalleryImageInner;
import com.azure.resourcemanager.compute.fluent.models.GalleryImageVersionInner;
import com.azure.resourcemanager.compute.fluent.models.ImageInner;
import com.azure.resourcemanager.compute.models.OperatingSystemStateTypes;
import dev.kiln.api.KilnException;
import dev.kiln.api.Retry;
import dev.kiln.spi.Options;

import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The image a VM starts from: a gallery version id or managed image id as push reports them, or a name looked up
 * the way push records it (tag {@code kiln:name}): the newest version in {@code --gallery}, else the newest managed
 * image in the resource group. Also whether it is Specialized, which decides whether the VM gets an OS profile.
 */
final class RunImage {

    private static final Pattern VERSION_ID = Pattern.compile("(?i)/subscriptions/[^/]+/resourceGroups/([^/]+)/providers/"
            + "Microsoft\\.Compute/galleries/([^/]+)/images/([^/]+)/versions/([^/]+)");
    private static final Pattern IMAGE_ID = Pattern.compile("(?i)/subscriptions/[^/]+/resourceGroups/([^/]+)/providers/"
            + "Microsoft\\.Compute/images/([^/]+)");

    /** @param specialized true: no osProfile (agentless images boot without the provisioning report) */
    record Resolved(String id, boolean specialized) {
    }

    private final AzureConnection azure;
    private final Retry calls;
    private final Options options;

    RunImage(AzureConnection azure, Retry calls, Options options) {
        this.azure = azure;
        this.calls = calls;
        this.options = options;
    }

    Resolved resolve(String image) throws InterruptedException {
        Matcher version = VERSION_ID.matcher(image);
        if (version.matches()) {
            return new Resolved(image, definitionIsSpecialized(version.group(1), version.group(2), version.group(3)));
        }
        Matcher managed = IMAGE_ID.matcher(image);
        if (managed.matches()) {
            ImageInner found = calls.call("get image " + managed.group(2),
                    () -> azure.compute().getImages().getByResourceGroup(managed.group(1), managed.group(2)));
            return new Resolved(image, specialized(found));
        }
        Optional<String> gallery = options.find(AzureOptions.GALLERY);
        return gallery.isPresent() ? newestVersion(gallery.get(), image) : newestImage(image);
    }

    private Resolved newestVersion(String gallery, String name) throws InterruptedException {
        String rg = azure.resourceGroup();
        String definition = options.find(AzureOptions.GALLERY_IMAGE).orElse(AzurePush.names(name));
        Optional<GalleryImageVersionInner> newest = calls.call("list versions of " + gallery + "/" + definition,
                () -> azure.compute().getGalleryImageVersions().listByGalleryImage(rg, gallery, definition).stream()
                        .filter(v -> v.tags() != null && name.equals(v.tags().get(AzurePush.NAME_TAG)))
                        .max(Comparator.comparing(v -> semver(v.name()))));
        GalleryImageVersionInner found = newest.orElseThrow(() -> KilnException.usage("No version of gallery image "
                + gallery + "/" + definition + " is tagged " + AzurePush.NAME_TAG + "=" + name + "; push one with "
                + "'kiln push azure --gallery " + gallery + "' or pass the version's id"));
        String id = found.id() != null ? found.id() : azure.groupId() + "/providers/Microsoft.Compute/galleries/"
                + gallery + "/images/" + definition + "/versions/" + found.name();
        return new Resolved(id, definitionIsSpecialized(rg, gallery, definition));
    }

    private Resolved newestImage(String name) throws InterruptedException {
        String rg = azure.resourceGroup();
        // push names managed images NAME-yyyyMMddHHmmss-RAND, so the greatest name is the newest
        Optional<ImageInner> newest = calls.call("list images in " + rg,
                () -> azure.compute().getImages().listByResourceGroup(rg).stream()
                        .filter(i -> name.equals(i.name())
                                || i.tags() != null && name.equals(i.tags().get(AzurePush.NAME_TAG)))
                        .max(Comparator.comparing(ImageInner::name)));
        ImageInner found = newest.orElseThrow(() -> KilnException.usage("No managed image " + name + " (or tagged "
                + AzurePush.NAME_TAG + "=" + name + ") in resource group " + rg + "; push one with 'kiln push azure "
                + "--managed-image', pass --gallery for gallery versions, or pass the image's id"));
        return new Resolved(found.id() != null ? found.id() : azure.groupId()
                + "/providers/Microsoft.Compute/images/" + found.name(), specialized(found));
    }

    private boolean definitionIsSpecialized(String rg, String gallery, String definition) throws InterruptedException {
        GalleryImageInner def = calls.call("get image definition " + definition,
                () -> azure.compute().getGalleryImages().get(rg, gallery, definition));
        return def.osState() == OperatingSystemStateTypes.SPECIALIZED;
    }

    private static boolean specialized(ImageInner image) {
        return image.storageProfile() != null && image.storageProfile().osDisk() != null
                && image.storageProfile().osDisk().osState() == OperatingSystemStateTypes.SPECIALIZED;
    }

    /** MAJOR.MINOR.PATCH as a number that sorts like the version. */
    private static long semver(String version) {
        long out = 0;
        String[] parts = version.split("\\.");
        for (int i = 0; i < 3; i++) {
            long n;
            try {
                n = i < parts.length ? Long.parseLong(parts[i]) : 0;
            } catch (NumberFormatException e) {
                n = 0;
            }
            out = out * 1_000_000L + Math.min(n, 999_999L);
        }
        return out;
    }
}
