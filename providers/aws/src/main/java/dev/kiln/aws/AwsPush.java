package dev.kiln.aws;

import dev.kiln.api.Conversions;
import dev.kiln.api.DiskSource;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.api.PublishPolicy.IfExists;
import dev.kiln.spi.Cleanup;
import dev.kiln.spi.ExistingImages;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import software.amazon.awssdk.services.ec2.Ec2Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code push aws} from start to end: check credentials, decide by digest whether anything needs
 * doing, upload a snapshot, register the image, copy and share it. AMI names are unique, so
 * {@code --if-exists replace} goes through {@link ExistingImages#uniqueNames}: everything slow first, then the
 * old image is deregistered (its snapshot kept) and the new one registered at once; if that fails the old one
 * is registered again. Any failure or Ctrl-C before the end removes what this push made.
 */
final class AwsPush {

    private final AwsConnection aws;
    private final PushSettings settings;
    private final Policies policies;
    private final Conversions conversions;
    private final Events events;
    private final Placements placements = new Placements();

    AwsPush(AwsConnection aws, PushSettings settings, Policies policies, Conversions conversions, Events events) {
        this.aws = aws;
        this.settings = settings;
        this.policies = policies;
        this.conversions = conversions;
        this.events = events;
    }

    PushResult push(PushRequest request) throws InterruptedException {
        events.phase("check credentials");
        String account = new CallerIdentity(aws.sts()).account();
        events.info("account " + account + ", region " + aws.region());
        Ec2Client ec2 = aws.ec2();
        LaunchPermissions sharing = new LaunchPermissions(settings.isPublic(), settings.shareWith());
        OwnImages own = new OwnImages(ec2);
        List<OwnImage> byDigest = call("look for images of " + request.name(),
                () -> own.withDigest(request.contentDigest()));
        List<OwnImage> byName = call("look for images of " + request.name(), () -> own.named(request.name()));
        IfExists policy = settings.ifExists();
        if (policy == IfExists.SKIP && byDigest.isEmpty() && !byName.isEmpty()) {
            OwnImage other = byName.get(0);
            throw KilnException.tried("publish " + request.name(), "image " + other.imageId() + " already has the name "
                            + request.name() + " with other content (" + (other.digest().isEmpty() ? "no kiln:digest tag"
                            : other.digest()) + ")", "pass --if-exists replace to replace it, or choose another --name");
        }
        if (policy == IfExists.REPLACE || byDigest.isEmpty() && byName.isEmpty()) {
            call("check block public access", () -> {
                sharing.checkAllowed(ec2, aws.region());
                return null;
            });
        }
        Cleanup cleanup = new Cleanup(events, AwsErrors::rootMessage);
        Publishing cloud = new Publishing(request, byDigest, byName, sharing, cleanup);
        ExistingImages.Published<OwnImage> published;
        try {
            published = ExistingImages.uniqueNames(policy, request.dryRun(), cloud);
            cloud.copies.discardReplaced();
            cleanup.clear();
        } catch (InterruptedException | RuntimeException e) {
            throw AwsErrors.failed("publish " + request.name() + " in " + aws.region(), e, cleanup);
        }
        return switch (published.outcome()) {
            case EXISTED -> reuse(request, published.image().orElseThrow(), sharing);
            case DRY_RUN -> {
                events.info("dry run: would upload " + request.image() + " by " + settings.method().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " and register "
                        + request.name() + published.retired().map(o -> ", replacing " + o.imageId()).orElse(""));
                yield result(request, PushResult.Outcome.DRY_RUN);
            }
            default -> {
                boolean others = removeOtherHolders(byDigest, request.name());
                yield result(request, others ? PushResult.Outcome.REPLACED : published.outcome());
            }
        };
    }

    /** The provider's side of {@link ExistingImages.UniqueNames}: the new snapshot is what prepare makes. */
    private final class Publishing implements ExistingImages.UniqueNames<OwnImage, String, ReleasedImage> {
        private final PushRequest request;
        private final List<OwnImage> byDigest;
        private final List<OwnImage> byName;
        private final LaunchPermissions sharing;
        private final Cleanup cleanup;
        private final ImageRelease release;
        private final RegionCopies copies;
        private String snapshot;

        Publishing(PushRequest request, List<OwnImage> byDigest, List<OwnImage> byName, LaunchPermissions sharing,
                   Cleanup cleanup) {
            this.request = request;
            this.byDigest = byDigest;
            this.byName = byName;
            this.sharing = sharing;
            this.cleanup = cleanup;
            this.release = new ImageRelease(aws.ec2(), aws.region(), events);
            this.copies = new RegionCopies(aws, policies.poll(), events, settings.ifExists() == IfExists.REPLACE,
                    placements);
        }

        @Override
        public Optional<OwnImage> findByDigest() {
            return byDigest.stream().findFirst();
        }

        @Override
        public Optional<OwnImage> findByName() {
            return byName.stream().findFirst();
        }

        @Override
        public String describe(OwnImage image) {
            return image.imageId() + " (" + image.name() + ") in " + aws.region();
        }

        @Override
        public String prepare() throws InterruptedException {
            try {
                snapshot = upload(request, cleanup);
                return snapshot;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** RegisterImage (not retried: it is not idempotent), then wait, copy and share; on failure the name is freed. */
        @Override
        public OwnImage register(String prepared) throws InterruptedException {
            Ec2Client ec2 = aws.ec2();
            events.phase("register image");
            String imageId = call("register " + request.name(),
                    () -> new RegisterImage(ec2).register(request.name(), prepared, settings, settings.tags()));
            Cleanup.Handle made = cleanup.add("image " + imageId, "aws ec2 deregister-image --region " + aws.region()
                    + " --image-id " + imageId, () -> new RemoveImage(ec2).deregister(imageId));
            try {
                OwnImage image = new ImageWait(ec2, policies.poll()).available(imageId, aws.region());
                events.info("registered " + imageId + " in " + aws.region());
                placements.image(aws.region(), imageId);
                placements.resource("snapshot", prepared, aws.region());
                spread(image, request, sharing, cleanup, copies);
                return image;
            } catch (InterruptedException | RuntimeException e) {
                freeName(made, e);
                throw e;
            }
        }

        @Override
        public ReleasedImage release(OwnImage old) {
            return call("free the name " + request.name(), () -> release.release(old.imageId()));
        }

        @Override
        public OwnImage restore(ReleasedImage released) {
            boolean interrupted = Thread.interrupted();
            try {
                String id = call("register " + released.describe() + " again", () -> release.restore(released));
                return new OwnImage(id, released.name(), "", "available", released.snapshotIds());
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void discard(ReleasedImage released) {
            release.discard(released);
            placements.resource("removed-image", released.imageId(), aws.region());
            released.snapshotIds().forEach(s -> placements.resource("removed-snapshot", s, aws.region()));
        }
    }

    /** The new image could not be finished: deregister it now, so the old image can take its name back. */
    private void freeName(Cleanup.Handle made, Exception cause) {
        boolean interrupted = Thread.interrupted();
        try {
            made.undoNow();
        } catch (Exception e) {
            cause.addSuppressed(e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private String upload(PushRequest request, Cleanup cleanup) throws IOException, InterruptedException {
        try (DiskSource disk = DiskFiles.open(conversions, request.image(), request.format())) {
            if (settings.method() == PushSettings.Method.EBS_DIRECT) {
                return new EbsDirectUpload(aws.ebs(settings.workers(), settings.requestTimeout()), aws.ec2(), settings,
                        policies, events).upload(disk, settings.tags(), cleanup);
            }
            return new S3Import(aws, settings, policies, conversions, events).upload(disk, request, cleanup);
        }
    }

    /** Copies to the other regions and sharing, for a new image or one found by digest. */
    private void spread(OwnImage image, PushRequest request, LaunchPermissions sharing, Cleanup cleanup,
                        RegionCopies copier) throws InterruptedException {
        List<String> regions = settings.regions().stream().filter(r -> !r.equals(aws.region())).distinct().toList();
        List<RegionCopies.Copy> copies = new ArrayList<>();
        if (!regions.isEmpty()) {
            events.phase("copy to " + String.join(", ", regions));
            copies = copier.copy(image.imageId(), regions, request.name(), settings.description(), settings.tags(),
                    cleanup);
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
        if (!found.name().equals(request.name())) {
            // a found image is reported as it is: its own name and tags, never the ones asked for
            events.warn(found.imageId() + " holds this content under the name " + found.name() + ", not "
                    + request.name() + "; it is reported as it is (pass --if-exists replace to publish it as "
                    + request.name() + ")");
        }
        placements.image(aws.region(), found.imageId());
        found.snapshotIds().forEach(s -> placements.resource("snapshot", s, aws.region()));
        if (request.dryRun()) {
            return existed(request, found);
        }
        Cleanup cleanup = new Cleanup(events, AwsErrors::rootMessage);
        try {
            RegionCopies copier = new RegionCopies(aws, policies.poll(), events, false, placements);
            spread(found, request, sharing, cleanup, copier);
            cleanup.clear();
        } catch (InterruptedException | RuntimeException e) {
            throw AwsErrors.failed("copy and share " + found.imageId(), e, cleanup);
        }
        return existed(request, found);
    }

    /** The image found by its content digest, as it is: its name and its tags. */
    private PushResult existed(PushRequest request, OwnImage found) {
        return PushResult.builder("aws", request).name(found.name()).outcome(PushResult.Outcome.EXISTED)
                .images(placements.images()).tags(found.tags().isEmpty() ? settings.tags() : found.tags())
                .resources(placements.resources()).build();
    }

    /** Replace also retires images of other names that held this content, as before; best effort. */
    private boolean removeOtherHolders(List<OwnImage> byDigest, String name) {
        boolean any = false;
        for (OwnImage old : byDigest) {
            if (old.name().equals(name)) {
                continue;
            }
            any = true;
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
        return any;
    }

    private PushResult result(PushRequest request, PushResult.Outcome outcome) {
        return PushResult.builder("aws", request).outcome(outcome).images(placements.images()).tags(settings.tags())
                .resources(placements.resources()).build();
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
