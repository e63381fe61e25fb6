package dev.kiln.gcp;

import com.google.cloud.compute.v1.Image;
import com.google.cloud.compute.v1.Operation;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.spi.Cleanup;
import dev.kiln.spi.ExistingImages;
import dev.kiln.spi.PushResult;
import dev.kiln.spi.Resource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code push gcp}: look for the same content, upload, images.insert, wait, share, retire what it replaces,
 * remove the object. GCE names and families let the new image exist beside the old one, so {@code replace}
 * goes through {@link ExistingImages#sideBySide}: the new image first, the old one retired after. A failure
 * or Ctrl-C removes the object and any half-made image.
 */
final class PushImage {

    private static final Duration CLEANUP_WAIT = Duration.ofMinutes(2);
    private static final String REMEDY = "pass a longer --import-timeout; big images can take GCE half an hour";

    private final GcpClients clients;
    private final GcpCalls calls;
    private final GcpCalls cleanupCalls;
    private final Events events;

    PushImage(GcpClients clients, GcpCalls calls, GcpCalls cleanupCalls) {
        this.clients = clients;
        this.calls = calls;
        this.cleanupCalls = cleanupCalls;
        this.events = calls.events();
    }

    PushResult push(ImagePlan plan, Supplier<Path> file) throws InterruptedException {
        events.phase("look for image");
        Cleanup cleanup = new Cleanup(events, GcpErrors::brief);
        GceImages cloud = new GceImages(plan, new FindImages(clients.images(), calls), calls.clock(), events,
                name -> publish(plan, file, name, cleanup), old -> retire(plan, old));
        ExistingImages.Published<Image> published;
        try {
            published = ExistingImages.sideBySide(plan.ifExists(), false, cloud);
        } catch (InterruptedException | RuntimeException e) {
            throw GcpErrors.report(e, "push image " + cloud.newName().orElse(plan.name()) + " to project "
                    + plan.project(), cleanup.undo());
        }
        Image image = published.image().orElseThrow();
        if (published.outcome() == PushResult.Outcome.EXISTED) {
            events.info("image " + image.getName() + " already holds this content; nothing to upload");
            return PushResult.builder("gcp").name(image.getName()).contentDigest(plan.contentDigest())
                    .outcome(PushResult.Outcome.EXISTED).image("", plan.imageId(image.getName()))
                    .tags(image.getLabelsMap()).build();
        }
        List<Resource> resources = new ArrayList<>(cloud.made());
        cloud.retired().forEach(old -> resources.add(Resource.of("removed image", plan.imageId(old.getName()))));
        events.info("image " + plan.imageId(image.getName()) + " is ready");
        return PushResult.builder("gcp").name(image.getName()).contentDigest(plan.contentDigest())
                .outcome(published.outcome()).image("", plan.imageId(image.getName())).tags(plan.labels())
                .resources(resources).build();
    }

    /** Upload, insert, wait, share; the image is kept from here on, the object removed unless --keep-object. */
    private GceImages.Made publish(ImagePlan plan, Supplier<Path> file, String name, Cleanup cleanup)
            throws InterruptedException {
        Path tarGz = file.get();
        events.phase("upload");
        DeleteObject objects = new DeleteObject(clients.storage(), cleanupCalls);
        String uri = "gs://" + plan.bucket() + "/" + plan.object();
        Cleanup.Handle[] objectHandle = {null};
        UploadedObject object = new UploadObject(clients, calls, events)
                .upload(tarGz, plan.bucket(), plan.object(), plan.contentDigest(), () -> objectHandle[0] = cleanup.add(
                        uri, "gcloud storage rm " + uri, () -> objects.delete(plan.bucket(), plan.object())));
        events.phase("create image");
        Operation insert = new InsertImage(clients.images(), calls).insert(plan, name, object);
        Cleanup.Handle image = cleanup.add("image " + name, "gcloud compute images delete " + name + " --project "
                + plan.project(), () -> removeHalfMade(plan, name, insert));
        new WaitOperation(calls, REMEDY).global(clients.globalOperations(), plan.project(), insert, "import image " + name,
                plan.timeout());
        if (plan.shared()) {
            events.phase("share image");
            new ShareImage(clients.images(), calls).share(plan.project(), name, plan.shareWith());
        }
        image.keep();
        return new GceImages.Made(Image.newBuilder().setName(name).putAllLabels(plan.labels()).build(),
                removeObject(plan, object, objectHandle[0]));
    }

    /** The object has served its purpose once GCE imported it; failing to delete it only warns. */
    private List<Resource> removeObject(ImagePlan plan, UploadedObject object, Cleanup.Handle handle) {
        if (plan.keepObject() || handle == null) {
            if (handle != null) {
                handle.keep();
            }
            return List.of(Resource.of("object", object.uri()));
        }
        events.phase("delete object");
        try {
            handle.undoNow();
            return List.of();
        } catch (Exception e) {
            handle.keep();
            events.warn("could not delete " + object.uri() + " after the import (" + GcpErrors.brief(e)
                    + "); delete it with 'gcloud storage rm " + object.uri() + "'");
            return List.of(Resource.of("object", object.uri()));
        }
    }

    private void retire(ImagePlan plan, Image old) throws InterruptedException {
        events.phase("delete old image " + old.getName());
        new DeleteImage(clients.images(), clients.globalOperations(), calls, new WaitOperation(calls, REMEDY))
                .delete(plan.project(), old.getName(), plan.timeout());
    }

    /** GCE refuses to delete an image it is still importing, so wait for the import to end first. */
    private void removeHalfMade(ImagePlan plan, String name, Operation insert) throws InterruptedException {
        WaitOperation waiter = new WaitOperation(cleanupCalls, REMEDY);
        try {
            waiter.global(clients.globalOperations(), plan.project(), insert, "finish importing " + name, CLEANUP_WAIT);
        } catch (KilnException e) {
            events.debug("import of " + name + " ended: " + e.getMessage());
        }
        new DeleteImage(clients.images(), clients.globalOperations(), cleanupCalls, waiter)
                .delete(plan.project(), name, CLEANUP_WAIT);
    }
}
