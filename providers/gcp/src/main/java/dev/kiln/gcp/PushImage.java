package dev.kiln.gcp;

import com.google.cloud.compute.v1.Image;
import com.google.cloud.compute.v1.Operation;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.spi.Cleanup;
import dev.kiln.spi.PushResult;
import dev.kiln.spi.Resource;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code push gcp}: look for the same content, upload, images.insert, wait, share, replace,
 * remove the object. A failure or Ctrl-C removes the object and any half-made image.
 */
final class PushImage {

    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);
    private static final Duration CLEANUP_WAIT = Duration.ofMinutes(2);

    private final GcpClients clients;
    private final Remote remote;
    private final WaitOperation waiter;
    private final Clock clock;
    private final Events events;

    PushImage(GcpClients clients, Remote remote, Clock clock, Events events) {
        this.clients = clients;
        this.remote = remote;
        this.waiter = new WaitOperation(remote, clock, events);
        this.clock = clock;
        this.events = events;
    }

    PushResult push(ImagePlan plan, Supplier<Path> file) throws InterruptedException {
        FindImages find = new FindImages(clients.images(), remote);
        events.phase("look for image");
        List<Image> same = find.withDigest(plan.project(), plan.labels().get(GcpNames.DIGEST_LABEL));
        if (!same.isEmpty() && plan.ifExists() != ImagePlan.IfExists.REPLACE) {
            return existing(plan, same.get(same.size() - 1));
        }
        List<Image> replaced = new ArrayList<>(same);
        String name = freeName(plan, find.named(plan.project(), plan.name()), replaced);
        Cleanup cleanup = new Cleanup(events, GcpErrors::brief);
        try {
            return publish(plan, file, name, replaced, cleanup);
        } catch (InterruptedException | RuntimeException e) {
            throw GcpErrors.report(e, "push image " + name + " to project " + plan.project(), cleanup.undo());
        }
    }

    private PushResult publish(ImagePlan plan, Supplier<Path> file, String name, List<Image> replaced, Cleanup cleanup)
            throws InterruptedException {
        Path tarGz = file.get();
        events.phase("upload");
        UploadedObject object = new UploadObject(clients.storageHttp(), clients.chunkSize(), remote, events)
                .upload(tarGz, plan.bucket(), plan.object(), plan.contentDigest());
        DeleteObject objects = new DeleteObject(clients.storageHttp(), remote);
        if (!object.reused()) {
            cleanup.add(object.uri(), "gcloud storage rm " + object.uri(), () -> objects.delete(object));
        }
        events.phase("create image");
        Operation insert = new InsertImage(clients.images(), remote).insert(plan, name, object);
        cleanup.add("image " + name, "gcloud compute images delete " + name + " --project " + plan.project(),
                () -> removeHalfMade(plan, name, insert));
        waiter.global(clients.globalOperations(), plan.project(), insert, "import image " + name, plan.timeout());
        if (plan.makePublic()) {
            events.phase("share image");
            new ShareImage(clients.images(), remote).makePublic(plan.project(), name);
        }
        cleanup.forget("image " + name);
        List<Resource> resources = new ArrayList<>(replace(plan, replaced));
        if (plan.keepObject()) {
            cleanup.forget(object.uri());
            resources.add(new Resource("object", object.uri(), ""));
        } else {
            events.phase("delete object");
            objects.delete(object);
            cleanup.forget(object.uri());
        }
        events.info("image " + plan.imageId(name) + " is ready");
        return result(plan, name, replaced.isEmpty() ? PushResult.Outcome.CREATED : PushResult.Outcome.REPLACED,
                resources);
    }

    /** The requested name, or a dated one when the image being replaced still holds it (new first, then old). */
    private String freeName(ImagePlan plan, Optional<Image> holder, List<Image> replaced) {
        if (holder.isEmpty()) {
            return plan.name();
        }
        Image held = holder.get();
        boolean kilnMade = held.getLabelsMap().containsKey(GcpNames.DIGEST_LABEL);
        if (plan.ifExists() == ImagePlan.IfExists.REPLACE && kilnMade) {
            if (replaced.stream().noneMatch(i -> i.getName().equals(held.getName()))) {
                replaced.add(held);
            }
            String base = plan.name().length() > 47 ? plan.name().substring(0, 47) : plan.name();
            String dated = base.replaceAll("-+$", "") + "-" + SUFFIX.format(clock.instant());
            events.info("image " + plan.name() + " will be replaced; the new image is " + dated
                    + " (find it by --family or the kiln-digest label)");
            return dated;
        }
        throw KilnException.tried("create image " + plan.name() + " in project " + plan.project(),
                "an image of that name with other content exists" + (kilnMade ? " (kiln-digest="
                        + held.getLabelsMap().get(GcpNames.DIGEST_LABEL) + ")" : ", not made by kiln"),
                kilnMade ? "pass --if-exists replace, or choose another --name"
                        : "choose another --name, or delete it with 'gcloud compute images delete " + plan.name() + "'");
    }

    private PushResult existing(ImagePlan plan, Image image) {
        if (plan.ifExists() == ImagePlan.IfExists.FAIL) {
            throw KilnException.tried("push image " + plan.name() + " to project " + plan.project(),
                    "image " + image.getName() + " already holds this content (" + GcpNames.DIGEST_LABEL + "="
                            + plan.labels().get(GcpNames.DIGEST_LABEL) + ")",
                    "pass --if-exists skip to use it, or --if-exists replace to make it again");
        }
        events.info("image " + image.getName() + " already holds this content; nothing to upload");
        return new PushResult("gcp", image.getName(), plan.contentDigest(), PushResult.Outcome.EXISTED,
                List.of(new PushResult.Placement("", plan.imageId(image.getName()))), image.getLabelsMap(), List.of());
    }

    private List<Resource> replace(ImagePlan plan, List<Image> old) throws InterruptedException {
        List<Resource> removed = new ArrayList<>();
        DeleteImage delete = new DeleteImage(clients.images(), clients.globalOperations(), remote, waiter);
        for (Image image : old) {
            events.phase("delete old image " + image.getName());
            delete.delete(plan.project(), image.getName(), plan.timeout());
            removed.add(new Resource("removed image", plan.imageId(image.getName()), ""));
        }
        return removed;
    }

    /** GCE refuses to delete an image it is still importing, so wait for the import to end first. */
    private void removeHalfMade(ImagePlan plan, String name, Operation insert) throws InterruptedException {
        try {
            waiter.global(clients.globalOperations(), plan.project(), insert, "finish importing " + name,
                    CLEANUP_WAIT);
        } catch (KilnException e) {
            events.debug("import of " + name + " ended: " + e.getMessage());
        }
        new DeleteImage(clients.images(), clients.globalOperations(), remote, waiter)
                .delete(plan.project(), name, CLEANUP_WAIT);
    }

    private static PushResult result(ImagePlan plan, String name, PushResult.Outcome outcome,
                                     List<Resource> resources) {
        return new PushResult("gcp", name, plan.contentDigest(), outcome,
                List.of(new PushResult.Placement("", plan.imageId(name))), plan.labels(), resources);
    }
}
