package dev.kiln.gcp;

import com.google.cloud.compute.v1.DeleteDiskRequest;
import com.google.cloud.compute.v1.DeleteInstanceRequest;
import com.google.cloud.compute.v1.GetDiskRequest;
import com.google.cloud.compute.v1.Operation;
import dev.kiln.api.Events;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * instances.delete, then a check that every disk kiln made went with it (autoDelete does that;
 * a disk left by a failed attach is deleted here), so nothing is billed after {@code --rm}.
 */
final class DeleteInstance {

    private final GcpClients clients;
    private final GcpCalls calls;
    private final WaitOperation waiter;
    private final Events events;

    DeleteInstance(GcpClients clients, GcpCalls calls, WaitOperation waiter, Events events) {
        this.clients = clients;
        this.calls = calls;
        this.waiter = waiter;
        this.events = events;
    }

    void delete(InstancePlan plan, Duration timeout) throws InterruptedException {
        delete(plan.project(), plan.zone(), plan.name(), plan.diskNames(), timeout);
    }

    /** Deletes the instance (absent counts as deleted), then each of {@code disks} that outlived it. */
    void delete(String project, String zone, String name, List<String> disks, Duration timeout)
            throws InterruptedException {
        String action = "delete instance " + name + " in " + zone;
        DeleteInstanceRequest request = DeleteInstanceRequest.newBuilder().setProject(project)
                .setZone(zone).setInstance(name).setRequestId(UUID.randomUUID().toString()).build();
        Optional<Operation> op = calls.find(action, () -> clients.instances().deleteCallable().call(request));
        if (op.isPresent()) {
            waiter.zone(clients.zoneOperations(), project, zone, op.get(), action, timeout);
        }
        for (String disk : disks) {
            deleteDisk(project, zone, disk, timeout);
        }
    }

    /** Deletes {@code disk} if it is still there (absent counts as deleted). */
    void deleteDisk(String project, String zone, String disk, Duration timeout) throws InterruptedException {
        String action = "delete disk " + disk + " in " + zone;
        GetDiskRequest get = GetDiskRequest.newBuilder().setProject(project).setZone(zone).setDisk(disk).build();
        if (calls.find(action, () -> clients.disks().getCallable().call(get)).isEmpty()) {
            return;
        }
        events.info("disk " + disk + " outlived its instance; deleting it");
        DeleteDiskRequest request = DeleteDiskRequest.newBuilder().setProject(project).setZone(zone)
                .setDisk(disk).setRequestId(UUID.randomUUID().toString()).build();
        Optional<Operation> op = calls.find(action, () -> clients.disks().deleteCallable().call(request));
        if (op.isPresent()) {
            waiter.zone(clients.zoneOperations(), project, zone, op.get(), action, timeout);
        }
    }
}
