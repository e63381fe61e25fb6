package dev.kiln.vcenter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.api.Lifecycle;
import dev.kiln.api.Poll;
import dev.kiln.spi.Cleanup;
import dev.kiln.spi.Options;
import dev.kiln.spi.Resource;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.RunResult;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code run vcenter}: deploys a content-library OVF template (REST {@code ovf/library-item?action=deploy}), sets
 * the firmware and guestinfo userdata with SOAP ReconfigVM (REST has no call for ExtraConfig, and a deploy may
 * ignore the OVF's firmware), powers it on, and with {@code --rm} waits for it to stop and deletes it. A failure or
 * Ctrl-C deletes the VM unless {@code --keep}.
 */
final class DeployVm {

    private final VcenterRest rest;
    private final VimSoap soap;
    private final Options options;
    private final Events events;
    private final Cleanup cleanup;
    private final Poll tasks;
    private final dev.kiln.spi.ProviderContext context;

    DeployVm(dev.kiln.spi.ProviderContext context, VcenterRest rest, VimSoap soap, Cleanup cleanup, Poll tasks) {
        this.context = context;
        Options options = context.options();
        Events events = context.events();
        this.rest = rest;
        this.soap = soap;
        this.options = options;
        this.events = events;
        this.cleanup = cleanup;
        this.tasks = tasks;
    }

    RunResult run(RunRequest request, Poll waits) throws InterruptedException {
        String libraryName = options.find(VcenterFlags.LIBRARY).orElse("kiln");
        ContentLibrary library = new ContentLibrary(rest);
        String libraryId = library.findLibrary(libraryName).orElseThrow(() -> KilnException.usage(
                "There is no content library " + libraryName + "; push the image first (kiln push vcenter) or pass"
                        + " --library"));
        List<String> byName = library.itemIds(libraryId, request.image());
        String itemId = byName.isEmpty() ? request.image() : byName.get(0);
        String poolName = options.find(VcenterFlags.RESOURCE_POOL).orElse("Resources");
        String pool = soap.find("ResourcePool", poolName).orElseThrow(() -> KilnException.usage(
                "There is no resource pool named " + poolName + "; check --resource-pool"));
        String firmware = options.find(VcenterFlags.FIRMWARE).orElse("efi");
        if (!firmware.equals("efi") && !firmware.equals("bios")) {
            throw KilnException.usage("--firmware must be efi or bios, not '" + firmware + "'");
        }
        boolean guestinfo = options.flag(VcenterFlags.GUESTINFO);
        String datastore = options.find(VcenterFlags.DATASTORE).orElse(null);
        if (request.userdata().isPresent() && !guestinfo && datastore == null) {
            throw KilnException.usage("Userdata goes on a cidata ISO uploaded to a datastore: pass --datastore (or"
                    + " GOVC_DATASTORE), or --guestinfo to hand it over in guestinfo.userdata instead");
        }
        if (request.dryRun()) {
            events.info("dry run: would deploy library item " + itemId + " as " + request.name() + " in pool " + pool);
            return RunResult.builder("vcenter", "").state("dry-run").build();
        }

        String iso = null;
        Cleanup.Handle isoMade = null;
        if (request.userdata().isPresent() && !guestinfo) {
            String meta = "instance-id: " + request.name() + "\nlocal-hostname: " + request.name() + "\n";
            java.nio.file.Path local = context.workDir().resolve(request.name() + "-cidata.iso");
            context.conversions().writeIso(local, "cidata", Map.of("user-data", request.userdata().get().bytes(),
                    "meta-data", meta.getBytes(StandardCharsets.UTF_8)));
            String path = "kiln/" + request.name() + "-cidata.iso";
            String datacenter = options.find(VcenterFlags.DATACENTER).orElse("DC0");
            DatastoreFiles ds = new DatastoreFiles(rest.connection(), context.cancel(), datacenter, datastore, tasks);
            DatastoreFiles undo = new DatastoreFiles(rest.connection(), dev.kiln.api.CancelToken.create(), datacenter,
                    datastore, VcenterProvider.undoTasks(context));
            isoMade = cleanup.add("cidata ISO " + ds.display(path), "govc datastore.rm " + path, () -> undo.delete(path));
            ds.put(path, local);
            iso = ds.display(path);
            events.info("uploaded the userdata as a NoCloud cidata ISO to " + iso);
        }
        ObjectNode body = VcenterRest.JSON.createObjectNode();
        body.putObject("target").put("resource_pool_id", pool);
        body.putObject("deployment_spec").put("name", request.name()).put("accept_all_EULA", true);
        if (soap.find("VirtualMachine", request.name()).isPresent()) {
            throw KilnException.usage("A virtual machine named " + request.name() + " already exists; pass another"
                    + " --name or remove it (govc vm.destroy " + request.name() + ")");
        }
        // until the deploy answers, the VM is known by name only: a deploy cut off by Ctrl-C goes on in vCenter,
        // so cleanup looks for its VM for a while before deciding there is none
        boolean[] cut = {false};
        Cleanup.Handle deploying = cleanup.add("virtual machine " + request.name() + " (if the deploy made it)",
                "govc vm.destroy " + request.name(), () -> rest.regardlessOfCancel(() -> {
                    Optional<String> made = soap.find("VirtualMachine", request.name());
                    if (made.isEmpty() && cut[0]) {
                        try {
                            made = Optional.of(VcenterProvider.undoTasks(context).withTimeout(Duration.ofSeconds(30))
                                    .until("the cut-off deploy of " + request.name(), () -> soap.find("VirtualMachine",
                                            request.name())));
                        } catch (KilnException none) {
                            made = Optional.empty();
                        }
                    }
                    if (made.isPresent()) {
                        remove(made.get());
                    }
                }));
        JsonNode deployed;
        try {
            deployed = rest.call("deploy library item " + itemId + " as " + request.name(), "POST",
                    "vcenter/ovf/library-item", itemId, "deploy", null, body);
        } catch (InterruptedException | RuntimeException e) {
            cut[0] = e instanceof InterruptedException || context.cancel().isCancelled()
                    || e.getCause() instanceof java.io.IOException;
            throw e;
        }
        String vm = deployed.path("resource_id").path("id").asText("");
        if (!deployed.path("succeeded").asBoolean(false) || vm.isEmpty()) {
            JsonNode errors = deployed.path("error").path("errors");
            String why = errors.isArray() && !errors.isEmpty()
                    ? errors.get(0).path("error").path("messages").path(0).path("default_message").asText("")
                    : deployed.toString();
            throw KilnException.tried("deploy library item " + itemId + " as " + request.name(),
                    "vCenter reports: " + why, "check the template deploys in the vSphere Client");
        }
        deploying.keep();
        Cleanup.Handle made = cleanup.add("virtual machine " + vm + " (" + request.name() + ")", "govc vm.destroy "
                + request.name(), () -> rest.regardlessOfCancel(() -> remove(vm)));
        events.info("deployed " + request.name() + " as " + vm);
        new Tagging(rest, cleanup, events).attach(Tagging.VIRTUAL_MACHINE, vm, tags(request, library.item(itemId)));

        Map<String, String> extra = new LinkedHashMap<>();
        request.userdata().filter(u -> guestinfo).ifPresent(u -> {
            extra.put("guestinfo.userdata", Base64.getEncoder().encodeToString(u.bytes()));
            extra.put("guestinfo.userdata.encoding", "base64");
        });
        if (request.userdata().isPresent() && guestinfo) {
            String meta = "instance-id: " + request.name() + "\nlocal-hostname: " + request.name() + "\n";
            extra.put("guestinfo.metadata", Base64.getEncoder().encodeToString(meta.getBytes(StandardCharsets.UTF_8)));
            extra.put("guestinfo.metadata.encoding", "base64");
        }
        soap.reconfigure(vm, firmware, extra, iso, tasks);
        soap.powerOn(vm, tasks);
        RunResult.Builder result = RunResult.builder("vcenter", vm).location(poolName)
                .created(Resource.of("virtual machine", vm, request.name()));
        if (iso != null) {
            result.created(Resource.of("datastore file", iso, datastore));
        }
        Lifecycle.Wait wait = request.lifecycle().waitOr(request.lifecycle().rm() ? Lifecycle.Wait.STOPPED
                : Lifecycle.Wait.RUNNING);
        String state = "poweredOn";
        if (wait == Lifecycle.Wait.STOPPED) {
            state = waits.until(request.name() + " to power off", () -> {
                String s = soap.text("VirtualMachine", vm, "runtime.powerState");
                return s.equals("poweredOff") ? Optional.of(s) : Optional.empty();
            });
        }
        if (request.lifecycle().rm()) {
            try {
                made.undoNow();
                if (isoMade != null) {
                    isoMade.undoNow();
                }
            } catch (InterruptedException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            events.info("removed " + request.name() + " (" + vm + ")");
            return result.state(state).removed(true).build();
        }
        made.keep();
        if (isoMade != null) {
            isoMade.keep();
        }
        return result.state(state).build();
    }

    /** kiln's tags on the VM: its name, the template's digest (when kiln pushed it), kiln's version, {@code --tag}. */
    static Map<String, String> tags(RunRequest request, ContentLibrary.Item template) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("kiln-name", request.name());
        template.digest().ifPresent(d -> tags.put("kiln-digest", d));
        tags.put("kiln-version", dev.kiln.api.Version.get());
        tags.putAll(request.tags());
        return tags;
    }

    /** Powers the VM off if it is on, then destroys it. */
    private void remove(String vm) throws InterruptedException {
        Poll undo = VcenterProvider.undoTasks(context);
        if (!soap.text("VirtualMachine", vm, "runtime.powerState").equals("poweredOff")) {
            soap.powerOff(vm, undo);
        }
        soap.destroy(vm, undo);
    }

    static Duration defaultTimeout() {
        return Duration.ofMinutes(10);
    }
}
