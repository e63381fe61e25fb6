package dev.kiln.gcp;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.spi.Made;
import dev.kiln.spi.Resource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code kiln rm gcp}: images.delete for an image; instances.delete for an instance, then each disk kiln made for it
 * that outlived it. A 404 ("already gone") counts as removed. Each deletion is waited for, at most
 * {@link #TIMEOUT}.
 */
final class RemoveMade {

    static final Duration TIMEOUT = Duration.ofMinutes(10);
    private static final String REMEDY = "run kiln rm again later";

    private final GcpClients clients;
    private final GcpCalls calls;
    private final Events events;

    RemoveMade(GcpClients clients, GcpCalls calls, Events events) {
        this.clients = clients;
        this.calls = calls;
        this.events = events;
    }

    List<Resource> remove(Made made) throws InterruptedException {
        String[] id = made.id().split("/");
        String project = id[1];
        String name = id[id.length - 1];
        WaitOperation waiter = new WaitOperation(calls, REMEDY);
        try {
            if (made.kind() == Made.Kind.IMAGE) {
                new DeleteImage(clients.images(), clients.globalOperations(), calls, waiter).delete(project, name, TIMEOUT);
                events.info("removed " + made.resource());
                return List.of(made.resource());
            }
            List<String> disks = made.parts().stream().filter(p -> p.type().equals("disk")).map(Resource::id).toList();
            new DeleteInstance(clients, calls, waiter, events).delete(project, made.location(), name, disks, TIMEOUT);
        } catch (KilnException e) {
            throw new KilnException(e.getMessage() + "; what is left can be removed with 'kiln rm gcp " + made.id()
                    + "' or " + gcloud(made, project, name), e);
        }
        List<Resource> removed = new ArrayList<>(List.of(made.resource()));
        removed.addAll(made.parts());
        removed.forEach(r -> events.info("removed " + r));
        return removed;
    }

    private static String gcloud(Made made, String project, String name) {
        return made.kind() == Made.Kind.IMAGE
                ? "'gcloud compute images delete " + name + " --project " + project + "'"
                : "'gcloud compute instances delete " + name + " --zone " + made.location() + " --project " + project
                + "' (and 'gcloud compute disks delete' for its disks)";
    }
}
