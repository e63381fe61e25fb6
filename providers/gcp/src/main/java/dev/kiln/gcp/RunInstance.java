package dev.kiln.gcp;

import com.google.cloud.compute.v1.GetInstanceRequest;
import com.google.cloud.compute.v1.Image;
import com.google.cloud.compute.v1.Instance;
import com.google.cloud.compute.v1.Operation;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.api.Lifecycle;
import dev.kiln.spi.Cleanup;
import dev.kiln.spi.Resource;
import dev.kiln.spi.RunResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code run gcp}: instances.insert, wait for RUNNING ({@code --wait running}, the default), report
 * addresses, optionally stream the serial console and wait for the guest to stop ({@code --wait stopped}),
 * and with {@code --rm} delete what was made. A failure or Ctrl-C deletes the instance and its disks
 * unless {@code --keep}.
 */
final class RunInstance {

    private static final Duration POLL = Duration.ofSeconds(3);
    private static final String REMEDY = "pass a longer --timeout";
    private static final Set<String> STOPPED = Set.of("STOPPING", "STOPPED", "TERMINATED", "SUSPENDED");

    private final GcpClients clients;
    private final GcpCalls calls;
    private final GcpCalls cleanupCalls;
    private final Events events;

    RunInstance(GcpClients clients, GcpCalls calls, GcpCalls cleanupCalls) {
        this.clients = clients;
        this.calls = calls;
        this.cleanupCalls = cleanupCalls;
        this.events = calls.events();
    }

    RunResult run(InstancePlan plan) throws InterruptedException {
        if (plan.shielded()) {
            requireUefi(plan);
        }
        Cleanup cleanup = new Cleanup(events, GcpErrors::brief);
        String what = "instance " + plan.name() + " and its disks";
        String manual = "gcloud compute instances delete " + plan.name() + " --zone " + plan.zone();
        try {
            events.phase("create instance");
            Operation op = new InsertInstance(clients.instances(), calls).insert(plan);
            Cleanup.Handle instance = cleanup.add(what, manual, () -> new DeleteInstance(clients, cleanupCalls,
                    new WaitOperation(cleanupCalls, REMEDY), events).delete(plan, Duration.ofMinutes(2)));
            new WaitOperation(calls, REMEDY).zone(clients.zoneOperations(), plan.project(), plan.zone(), op,
                    "create instance " + plan.name(), plan.timeout());
            Instance running = plan.waitFor() == Lifecycle.Wait.NONE ? get(plan)
                    : waitFor(plan, "start", Set.of("RUNNING"), null, plan.timeout());
            Map<String, String> addresses = addresses(running);
            events.info("instance " + plan.name() + " is " + running.getStatus() + " " + addresses);
            Instance last = follow(plan, running);
            boolean removed = false;
            if (plan.remove()) {
                events.phase("delete instance");
                new DeleteInstance(clients, calls, new WaitOperation(calls, REMEDY), events).delete(plan, plan.timeout());
                removed = true;
            }
            instance.keep();
            return RunResult.builder("gcp", plan.name()).location(plan.zone())
                    .state(last.getStatus().toLowerCase(Locale.ROOT)).addresses(addresses).created(created(plan))
                    .removed(removed).build();
        } catch (InterruptedException | RuntimeException e) {
            if (plan.keep() && !cleanup.isEmpty()) {
                cleanup.clear();
                throw GcpErrors.report(e, "run instance " + plan.name(), "kept instance " + plan.instanceId()
                        + " (--keep); delete it with '" + manual + "'");
            }
            throw GcpErrors.report(e, "run instance " + plan.name(), cleanup.undo());
        }
    }

    /** After RUNNING: stream the console and/or wait for the guest to stop, as asked. */
    private Instance follow(InstancePlan plan, Instance running) throws InterruptedException {
        if (plan.serialConsole()) {
            events.phase("serial console");
            try (SerialConsole console = new SerialConsole(clients.instances(), calls, events, plan.serialLog())) {
                Instance last = waitFor(plan, "stop", STOPPED, console, plan.stopTimeout());
                console.poll(plan);
                console.flush();
                return last;
            }
        }
        if (plan.waitStopped()) {
            events.phase("wait for stop");
            return waitFor(plan, "stop", STOPPED, null, plan.stopTimeout());
        }
        return running;
    }

    /** Polls the instance until it is in one of {@code states}; a start that ends in a stop fails at once. */
    private Instance waitFor(InstancePlan plan, String what, Set<String> states, SerialConsole console,
                             Duration timeout) throws InterruptedException {
        boolean starting = what.equals("start");
        return calls.poll(POLL, timeout, REMEDY).until("instance " + plan.name() + " to " + what,
                () -> {
                    if (console != null) {
                        console.poll(plan);
                    }
                    Instance instance = get(plan);
                    if (states.contains(instance.getStatus())) {
                        return Optional.of(instance);
                    }
                    if (starting && STOPPED.contains(instance.getStatus())) {
                        throw KilnException.tried("start instance " + plan.name(), "it is " + instance.getStatus()
                                + (instance.getStatusMessage().isEmpty() ? "" : ": " + instance.getStatusMessage()),
                                "look at its serial console with --serial-console");
                    }
                    return Optional.empty();
                });
    }

    private Instance get(InstancePlan plan) throws InterruptedException {
        GetInstanceRequest get = GetInstanceRequest.newBuilder().setProject(plan.project()).setZone(plan.zone())
                .setInstance(plan.name()).build();
        return calls.call("check instance " + plan.name(), () -> clients.instances().getCallable().call(get));
    }

    private void requireUefi(InstancePlan plan) throws InterruptedException {
        Image image = new FindImages(clients.images(), calls).resolve(plan.image())
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
        created.add(Resource.of("instance", plan.instanceId(), plan.zone()));
        for (String disk : plan.diskNames()) {
            created.add(Resource.of("disk", "projects/" + plan.project() + "/zones/" + plan.zone() + "/disks/" + disk,
                    plan.zone()));
        }
        return created;
    }
}
