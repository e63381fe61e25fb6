package dev.kiln.gcp;

import com.google.cloud.compute.v1.GetInstanceRequest;
import com.google.cloud.compute.v1.Image;
import com.google.cloud.compute.v1.Instance;
import com.google.cloud.compute.v1.Operation;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.spi.Cleanup;
import dev.kiln.spi.Resource;
import dev.kiln.spi.RunResult;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code run gcp}: instances.insert, wait for RUNNING, report addresses, optionally stream the
 * serial console and wait for the guest to stop, and with {@code --rm} delete what was made.
 * A failure or Ctrl-C deletes the instance and its disks unless {@code --keep}.
 */
final class RunInstance {

    private static final Duration POLL = Duration.ofSeconds(3);
    private static final Set<String> STOPPED = Set.of("STOPPING", "STOPPED", "TERMINATED", "SUSPENDED");

    private final GcpClients clients;
    private final Remote remote;
    private final WaitOperation waiter;
    private final Clock clock;
    private final Events events;

    RunInstance(GcpClients clients, Remote remote, Clock clock, Events events) {
        this.clients = clients;
        this.remote = remote;
        this.waiter = new WaitOperation(remote, clock, events);
        this.clock = clock;
        this.events = events;
    }

    RunResult run(InstancePlan plan) throws InterruptedException {
        if (plan.shielded()) {
            requireUefi(plan);
        }
        Cleanup cleanup = new Cleanup(events, GcpErrors::brief);
        DeleteInstance delete = new DeleteInstance(clients, remote, waiter, events);
        try {
            events.phase("create instance");
            Operation op = new InsertInstance(clients.instances(), remote).insert(plan);
            cleanup.add("instance " + plan.name() + " and its disks", "gcloud compute instances delete "
                    + plan.name() + " --zone " + plan.zone(), () -> delete.delete(plan, Duration.ofMinutes(2)));
            waiter.zone(clients.zoneOperations(), plan.project(), plan.zone(), op, "create instance " + plan.name(),
                    plan.timeout());
            Instance running = waitFor(plan, "RUNNING", Set.of("RUNNING"), null);
            Map<String, String> addresses = addresses(running);
            events.info("instance " + plan.name() + " is RUNNING " + addresses);
            Instance last = follow(plan, running);
            boolean removed = false;
            if (plan.remove()) {
                events.phase("delete instance");
                delete.delete(plan, plan.timeout());
                removed = true;
            }
            cleanup.forget("instance " + plan.name() + " and its disks");
            return new RunResult("gcp", plan.name(), plan.zone(), last.getStatus().toLowerCase(), addresses,
                    Optional.empty(), Optional.empty(), created(plan), removed);
        } catch (InterruptedException | RuntimeException e) {
            if (plan.keep() && !cleanup.isEmpty()) {
                cleanup.forget("instance " + plan.name() + " and its disks");
                throw GcpErrors.report(e, "run instance " + plan.name(), "kept instance " + plan.instanceId()
                        + " (--keep); delete it with 'gcloud compute instances delete " + plan.name() + " --zone "
                        + plan.zone() + "'");
            }
            throw GcpErrors.report(e, "run instance " + plan.name(), cleanup.undo());
        }
    }

    /** After RUNNING: stream the console and/or wait for the guest to stop, as asked. */
    private Instance follow(InstancePlan plan, Instance running) throws InterruptedException {
        if (plan.serialConsole()) {
            events.phase("serial console");
            try (SerialConsole console = new SerialConsole(clients.instances(), remote, events, plan.serialLog())) {
                Instance last = waitFor(plan, "stop", STOPPED, console);
                console.poll(plan);
                console.flush();
                return last;
            }
        }
        if (plan.waitStopped()) {
            events.phase("wait for stop");
            return waitFor(plan, "stop", STOPPED, null);
        }
        return running;
    }

    private Instance waitFor(InstancePlan plan, String what, Set<String> states, SerialConsole console)
            throws InterruptedException {
        GetInstanceRequest get = GetInstanceRequest.newBuilder().setProject(plan.project()).setZone(plan.zone())
                .setInstance(plan.name()).build();
        boolean forever = console != null || what.equals("stop");
        Instant deadline = clock.instant().plus(plan.timeout());
        while (true) {
            if (console != null) {
                console.poll(plan);
            }
            Instance instance = remote.call("check instance " + plan.name(), () -> clients.instances().getCallable().call(get));
            if (states.contains(instance.getStatus())) {
                return instance;
            }
            if (!forever && STOPPED.contains(instance.getStatus())) {
                throw KilnException.tried("start instance " + plan.name(), "it is " + instance.getStatus()
                        + (instance.getStatusMessage().isEmpty() ? "" : ": " + instance.getStatusMessage()),
                        "look at its serial console with --serial-console");
            }
            if (!forever && !clock.instant().isBefore(deadline)) {
                throw KilnException.tried("start instance " + plan.name(), "it was still " + instance.getStatus()
                        + " after " + plan.timeout().toString().substring(2).toLowerCase(), "pass a longer --timeout");
            }
            remote.sleeper().sleep(POLL);
        }
    }

    private void requireUefi(InstancePlan plan) throws InterruptedException {
        Image image = new FindImages(clients.images(), remote).resolve(plan.image())
                .orElseThrow(() -> KilnException.usage("No image " + plan.image() + "; push one with 'kiln push gcp'"));
        boolean uefi = image.getGuestOsFeaturesList().stream().anyMatch(f -> f.getType().equals("UEFI_COMPATIBLE"));
        if (!uefi) {
            throw KilnException.usage("Image " + image.getName() + " lacks the UEFI_COMPATIBLE guest OS feature, so"
                    + " GCE cannot start it as a Shielded VM (--secure-boot, --vtpm, --integrity-monitoring);"
                    + " push a UEFI or hybrid build (kiln build -f gcp) or drop those flags");
        }
    }

    private static Map<String, String> addresses(Instance instance) {
        Map<String, String> addresses = new LinkedHashMap<>();
        if (instance.getNetworkInterfacesCount() > 0) {
            var nic = instance.getNetworkInterfaces(0);
            if (!nic.getNetworkIP().isEmpty()) {
                addresses.put("private_ipv4", nic.getNetworkIP());
            }
            if (nic.getAccessConfigsCount() > 0 && !nic.getAccessConfigs(0).getNatIP().isEmpty()) {
                addresses.put("public_ipv4", nic.getAccessConfigs(0).getNatIP());
            }
        }
        return addresses;
    }

    private static List<Resource> created(InstancePlan plan) {
        List<Resource> created = new ArrayList<>();
        created.add(new Resource("instance", plan.instanceId(), plan.zone()));
        for (String disk : plan.diskNames()) {
            created.add(new Resource("disk", "projects/" + plan.project() + "/zones/" + plan.zone() + "/disks/" + disk,
                    plan.zone()));
        }
        return created;
    }
}
