package dev.kiln.gcp;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.spi.Made;
import dev.kiln.spi.Removal;
import dev.kiln.spi.Resource;

import java.time.Duration;
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
        DeleteInstance instances = new DeleteInstance(clients, calls, waiter, events);
        return Removal.inOrder(made, new Removal() {
            @Override
            public void delete(Resource resource) throws InterruptedException {
                switch (resource.type()) {
                    case "image" -> new DeleteImage(clients.images(), clients.globalOperations(), calls, waiter)
                            .delete(project, name, TIMEOUT);
                    case "instance" -> instances.delete(project, made.location(), name, List.of(), TIMEOUT);
                    case "disk" -> instances.deleteDisk(project, resource.location(), resource.id(), TIMEOUT);
                    default -> throw new IllegalArgumentException("gcp does not remove a " + resource.type());
                }
            }

            @Override
            public String command(Resource resource) {
                String gcloud = "gcloud compute ";
                return switch (resource.type()) {
                    case "image" -> gcloud + "images delete " + name + " --project " + project;
                    case "instance" -> gcloud + "instances delete " + name + " --zone " + made.location()
                            + " --project " + project;
                    case "disk" -> gcloud + "disks delete " + resource.id() + " --zone " + resource.location()
                            + " --project " + project;
                    default -> "kiln rm gcp " + made.id();
                };
            }

            @Override
            public KilnException failed(Resource resource, RuntimeException failure) {
                return failure instanceof KilnException k ? k : GcpErrors.tried("remove " + resource, failure);
            }
        }, events);
    }
}
