package dev.kiln.aws;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.api.DiskSource;
import dev.kiln.spi.Cleanup;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import software.amazon.awssdk.services.ec2.Ec2Client;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code push aws} from start to end: check credentials, decide by digest whether anything needs
 * doing, upload a snapshot, register the image, copy and share it, and remove what replace
 * replaces. Any failure or Ctrl-C before the end removes what this push made.
 */
final class AwsPush {

    private final AwsConnection aws;
    private final PushSettings settings;
    private final Poller poller;
    private final Events events;
    private final Placements placements = new Placements();

    AwsPush(AwsConnection aws, PushSettings settings, Poller poller, Events events) {
        this.aws = aws;
        this.settings = settings;
        this.poller = poller;
        this.events = events;
    }

    PushResult push(PushRequest request) throws InterruptedException {
        events.phase("check credentials");
        String account = new CallerIdentity(aws.sts()).account();
        events.info("account " + account + ", region " + aws.region());
        Ec2Client ec2 = aws.ec2();
        LaunchPermissions sharing = new LaunchPermissions(settings.isPublic(), settings.shareWith());
        Existing existing = call("look for images of " + request.name(),
                () -> Existing.find(new OwnImages(ec2), request.name(), request.contentDigest()));
        if (settings.ifExists() == PushSettings.IfExists.SKIP && existing.sameDigest().isPresent()) {
            return reuse(request, existing.sameDigest().get(), sharing);
        }
        existing.check(settings.ifExists(), request.name());
        call("check block public access", () -> {
            sharing.checkAllowed(ec2, aws.region());
            return null;
        });
        if (request.dryRun()) {
            events.info("dry run: would upload " + request.image() + " by " + settings.method() + " and register "
                    + request.name() + (existing.all().isEmpty() ? "" : ", replacing " + existing.ids()));
            return result(request, PushResult.Outcome.DRY_RUN);
        }
        return publish(request, existing, sharing);
    }

    private PushResult publish(PushRequest request, Existing existing, LaunchPermissions sharing)
            throws InterruptedException {
        Cleanup cleanup = new Cleanup(events, AwsErrors::rootMessage);
        String action = "publish " + request.name() + " in " + aws.region();
        Ec2Client ec2 = aws.ec2();
        try {
            String snapshot = upload(request, cleanup);
            for (OwnImage old : existing.holdingName(request.name())) {
                events.info("deregistering " + old.imageId() + " to free the name " + request.name());
                new RemoveImage(ec2).deregister(old.imageId());
            }
            events.phase("register image");
            String imageId = new RegisterImage(ec2).register(request.name(), snapshot, settings, settings.tags());
            cleanup.add("image " + imageId, () -> new RemoveImage(ec2).deregister(imageId));
            OwnImage image = new ImageWait(ec2, poller).available(imageId, aws.region());
            events.info("registered " + imageId + " in " + aws.region());
            placements.image(aws.region(), imageId);
            placements.resource("snapshot", snapshot, aws.region());
            spread(image, request, sharing, cleanup);
            cleanup.clear();
        } catch (IOException | InterruptedException | RuntimeException e) {
            throw AwsErrors.failed(action, e, cleanup);
        }
        removeReplaced(existing);
        return result(request, existing.all().isEmpty() ? PushResult.Outcome.CREATED : PushResult.Outcome.REPLACED);
    }

    private String upload(PushRequest request, Cleanup cleanup) throws IOException, InterruptedException {
        try (DiskSource disk = DiskFiles.open(request.image(), request.format())) {
            if (settings.method() == PushSettings.Method.EBS_DIRECT) {
                return new EbsDirectUpload(aws.ebs(settings.workers(), settings.requestTimeout()), aws.ec2(), settings,
                        poller, events).upload(disk, settings.tags(), cleanup);
            }
            return new S3Import(aws, settings, poller, events).upload(disk, request, cleanup);
        }
    }

    /** Copies to the other regions and sharing, for a new image or one found by digest. */
    private void spread(OwnImage image, PushRequest request, LaunchPermissions sharing, Cleanup cleanup)
            throws InterruptedException {
        List<String> regions = settings.regions().stream().filter(r -> !r.equals(aws.region())).distinct().toList();
        List<RegionCopies.Copy> copies = new ArrayList<>();
        if (!regions.isEmpty()) {
            events.phase("copy to " + String.join(", ", regions));
            copies = new RegionCopies(aws, poller, events).copy(image.imageId(), regions, request.name(),
                    settings.description(), settings.tags(), cleanup);
        }
        for (RegionCopies.Copy c : copies) {
            placements.image(c.region(), c.image().imageId());
        }
        if (sharing.any()) {
            events.phase("share");
            sharing.apply(aws.ec2(), image);
            for (RegionCopies.Copy c : copies) {
                sharing.apply(aws.ec2(c.region()), c.image());
            }
        }
    }

    private PushResult reuse(PushRequest request, OwnImage found, LaunchPermissions sharing)
            throws InterruptedException {
        events.info(found.imageId() + " already holds " + request.contentDigest() + "; nothing uploaded");
        placements.image(aws.region(), found.imageId());
        found.snapshotIds().forEach(s -> placements.resource("snapshot", s, aws.region()));
        if (request.dryRun()) {
            return result(request, PushResult.Outcome.EXISTED);
        }
        Cleanup cleanup = new Cleanup(events, AwsErrors::rootMessage);
        try {
            spread(found, request, sharing, cleanup);
            cleanup.clear();
        } catch (InterruptedException | RuntimeException e) {
            throw AwsErrors.failed("copy and share " + found.imageId(), e, cleanup);
        }
        return result(request, PushResult.Outcome.EXISTED);
    }

    private void removeReplaced(Existing existing) {
        for (OwnImage old : existing.all()) {
            try {
                new RemoveImage(aws.ec2()).remove(old);
                events.info("removed replaced image " + old.imageId() + " and snapshots " + old.snapshotIds());
                placements.resource("removed-image", old.imageId(), aws.region());
                old.snapshotIds().forEach(s -> placements.resource("removed-snapshot", s, aws.region()));
            } catch (RuntimeException e) {
                events.warn("could not remove replaced image " + old.imageId() + ": "
                        + AwsErrors.map("remove " + old.imageId(), e).getMessage());
            }
        }
    }

    private PushResult result(PushRequest request, PushResult.Outcome outcome) {
        return new PushResult("aws", request.name(), request.contentDigest(), outcome, placements.images(),
                settings.tags(), placements.resources());
    }

    private static <T> T call(String action, java.util.function.Supplier<T> op) {
        try {
            return op.get();
        } catch (KilnException e) {
            throw e;
        } catch (RuntimeException e) {
            throw AwsErrors.map(action, e);
        }
    }
}
