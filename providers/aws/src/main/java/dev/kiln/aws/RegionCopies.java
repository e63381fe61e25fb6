package dev.kiln.aws;

import dev.kiln.api.Events;
import dev.kiln.spi.Cleanup;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * EC2 {@code CopyImage} into other regions, all at once, tagged like the source; a region that
 * already has an image with the same digest gets no copy. Each copy is registered for cleanup as
 * soon as it exists.
 */
final class RegionCopies {

    /** Where an image ended up: its id in a region, and whether kiln copied it now. */
    record Copy(String region, OwnImage image, boolean copied) {}

    private final AwsConnection aws;
    private final Poller poller;
    private final Events events;

    RegionCopies(AwsConnection aws, Poller poller, Events events) {
        this.aws = aws;
        this.poller = poller;
        this.events = events;
    }

    List<Copy> copy(String sourceImageId, List<String> regions, String name, String description,
                    Map<String, String> tags, Cleanup cleanup) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, regions.size()));
        try {
            List<Future<Copy>> futures = new ArrayList<>();
            for (String region : regions) {
                futures.add(pool.submit(() -> one(sourceImageId, region, name, description, tags, cleanup)));
            }
            List<Copy> copies = new ArrayList<>();
            for (Future<Copy> f : futures) {
                copies.add(get(f));
            }
            return copies;
        } finally {
            pool.shutdownNow();
        }
    }

    private Copy one(String sourceImageId, String region, String name, String description, Map<String, String> tags,
                     Cleanup cleanup) throws InterruptedException {
        Ec2Client ec2 = aws.ec2(region);
        List<OwnImage> there = new OwnImages(ec2).withDigest(tags.get(Tags.DIGEST));
        if (!there.isEmpty()) {
            events.info(region + ": " + there.get(0).imageId() + " already holds this digest; not copied");
            return new Copy(region, there.get(0), false);
        }
        String token = UUID.randomUUID().toString();
        String id = ec2.copyImage(b -> b.sourceImageId(sourceImageId).sourceRegion(aws.region()).name(name)
                .description(description).clientToken(token)
                .tagSpecifications(t -> t.resourceType(ResourceType.IMAGE).tags(Tags.ec2(tags)),
                        t -> t.resourceType(ResourceType.SNAPSHOT).tags(Tags.ec2(tags)))).imageId();
        cleanup.add("image " + id + " in " + region, () -> removeCopy(ec2, id));
        events.info(region + ": copying to " + id);
        OwnImage ready = new ImageWait(ec2, poller).available(id, region);
        events.info(region + ": " + id + " is available");
        return new Copy(region, ready, true);
    }

    /** A copy still pending has no snapshot to name yet; look once more so none is left behind. */
    private static void removeCopy(Ec2Client ec2, String imageId) {
        List<String> snapshots = ec2.describeImages(b -> b.imageIds(imageId)).images().stream()
                .flatMap(i -> OwnImage.of(i).snapshotIds().stream()).toList();
        RemoveImage remove = new RemoveImage(ec2);
        remove.remove(new OwnImage(imageId, "", "", "", snapshots));
    }

    private static Copy get(Future<Copy> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof InterruptedException ie) {
                throw ie;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
