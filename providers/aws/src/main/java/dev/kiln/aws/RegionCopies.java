package dev.kiln.aws;

import dev.kiln.api.Events;
import dev.kiln.api.Poll;
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
 * soon as it exists. With {@code --if-exists replace}, a copy kiln made earlier under the same name (it has a
 * {@code kiln:digest} tag) is released first, as in the home region: deregistered with its snapshots kept, put
 * back by the cleanup if this push fails, and its snapshots deleted only once the whole push succeeded
 * ({@link #released()}). An image of that name kiln did not make is left alone (CopyImage then fails).
 */
final class RegionCopies {

    /** Where an image ended up: its id in a region, and whether kiln copied it now. */
    record Copy(String region, OwnImage image, boolean copied) {}

    private final AwsConnection aws;
    private final Poll poll;
    private final Events events;
    private final boolean replace;
    private final Placements placements;
    private final List<Runnable> discards = new java.util.concurrent.CopyOnWriteArrayList<>();

    RegionCopies(AwsConnection aws, Poll poll, Events events, boolean replace, Placements placements) {
        this.placements = placements;
        this.aws = aws;
        this.poll = poll;
        this.events = events;
        this.replace = replace;
    }

    /** Deletes the snapshots of old copies this push replaced: call once the push has succeeded. */
    void discardReplaced() {
        discards.forEach(Runnable::run);
        discards.clear();
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
        if (replace) {
            releaseOldCopy(ec2, region, name, cleanup);
        }
        String token = UUID.randomUUID().toString();
        String id = ec2.copyImage(b -> b.sourceImageId(sourceImageId).sourceRegion(aws.region()).name(name)
                .description(description).clientToken(token)
                .tagSpecifications(t -> t.resourceType(ResourceType.IMAGE).tags(Tags.ec2(tags)),
                        t -> t.resourceType(ResourceType.SNAPSHOT).tags(Tags.ec2(tags)))).imageId();
        cleanup.add("image " + id + " in " + region, "aws ec2 deregister-image --region " + region + " --image-id " + id,
                () -> removeCopy(ec2, id));
        events.info(region + ": copying to " + id);
        OwnImage ready = new ImageWait(ec2, poll).available(id, region);
        events.info(region + ": " + id + " is available");
        return new Copy(region, ready, true);
    }

    private void releaseOldCopy(Ec2Client ec2, String region, String name, Cleanup cleanup) {
        ImageRelease release = new ImageRelease(ec2, region, events);
        for (OwnImage old : new OwnImages(ec2).named(name)) {
            if (old.digest().isEmpty()) {
                continue;
            }
            ReleasedImage kept = release.release(old.imageId());
            Cleanup.Handle restore = cleanup.add("the name " + name + " in " + region + " (register " + old.imageId()
                    + " again)", () -> release.restore(kept));
            discards.add(() -> {
                restore.keep();
                release.discard(kept);
                placements.resource("removed-image", kept.imageId(), region);
                kept.snapshotIds().forEach(snap -> placements.resource("removed-snapshot", snap, region));
            });
        }
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
