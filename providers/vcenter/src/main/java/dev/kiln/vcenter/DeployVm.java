package dev.kiln.vcenter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.ByteSize;
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
 * {@code run vcenter}: deploys a content-library OVF template (REST {@code ovf/library-item?action=deploy}, placed
 * by {@link Placement}) or creates a VM around a datastore ISO (SOAP CreateVM_Task); then SOAP ReconfigVM sets the
 * firmware, guestinfo userdata and the devices of {@link VmDevices} ({@code --disk}, the cidata CD-ROM, the serial
 * port), as REST has no call for ExtraConfig and a deploy may ignore the OVF's firmware. It powers the VM on,
 * follows the serial file ({@link SerialLog}), waits for the IP Tools reports ({@code --wait-ip}) or for power-off,
 * and with {@code --rm} deletes it. A failure or Ctrl-C deletes the VM and the ISO unless {@code --keep}.
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
        Optional<String> givenFirmware = options.find(VcenterFlags.FIRMWARE);
        if (givenFirmware.isPresent() && !givenFirmware.get().equals("efi") && !givenFirmware.get().equals("bios")) {
            throw KilnException.usage("--firmware must be efi or bios, not '" + givenFirmware.get() + "'");
        }
        Optional<DatastoreImage> onDatastore = DatastoreImage.bootable(request.image());
        ContentLibrary library = new ContentLibrary(rest);
        String itemId = null;
        if (onDatastore.isEmpty()) {
            String libraryName = options.find(VcenterFlags.LIBRARY).orElse("kiln");
            String libraryId = library.findLibrary(libraryName).orElseThrow(() -> KilnException.usage(
                    "There is no content library " + libraryName + "; push the image first (kiln push vcenter) or"
                            + " pass --library"));
            List<String> byName = library.itemIds(libraryId, request.image());
            itemId = byName.isEmpty() ? request.image() : byName.get(0);
        }
        VmDevices.check(request.disks());
        Placement placement = Placement.resolve(soap, options);
        boolean guestinfo = options.flag(VcenterFlags.GUESTINFO);
        String datacenter = options.find(VcenterFlags.DATACENTER).orElse("DC0");
        String datastore = options.find(VcenterFlags.DATASTORE)
                .or(() -> onDatastore.map(DatastoreImage::datastore)).orElse(null);
        if (request.userdata().isPresent() && !guestinfo && datastore == null) {
            throw KilnException.usage("Userdata goes on a cidata ISO uploaded to a datastore: pass --datastore (or"
                    + " GOVC_DATASTORE), or --guestinfo to hand it over in guestinfo.userdata instead");
        }
        String firmware = givenFirmware.isPresent() ? givenFirmware.get() : onDatastore.isPresent()
                ? isoFirmware(onDatastore.get(), datacenter) : null;
        Optional<java.nio.file.Path> serialFile = options.path(VcenterFlags.SERIAL_LOG);
        boolean serial = options.flag(VcenterFlags.SERIAL_CONSOLE) || serialFile.isPresent();
        if (request.dryRun()) {
            events.info("dry run: would " + (itemId != null ? "deploy library item " + itemId : "create a VM around "
                    + request.image()) + " as " + request.name() + " in " + placement.poolName() + " (firmware "
                    + (firmware == null ? "as the template's .ovf declares" : firmware) + ")");
            return RunResult.builder("vcenter", "").state("dry-run").build();
        }

        if (firmware == null) {
            firmware = templateFirmware(library, itemId);
        }
        String iso = null;
        Cleanup.Handle isoMade = null;
        if (request.userdata().isPresent() && !guestinfo) {
            String meta = "instance-id: " + request.name() + "\nlocal-hostname: " + request.name() + "\n";
            java.nio.file.Path local = context.workDir().resolve(request.name() + "-cidata.iso");
            context.conversions().writeIso(local, "cidata", Map.of("user-data", request.userdata().get().bytes(),
                    "meta-data", meta.getBytes(StandardCharsets.UTF_8)));
            String path = "kiln/" + request.name() + "-cidata.iso";
            DatastoreFiles ds = new DatastoreFiles(rest.connection(), context.cancel(), datacenter, datastore, tasks);
            DatastoreFiles undo = new DatastoreFiles(rest.connection(), context.cleanupCancel(), datacenter,
                    datastore, VcenterProvider.undoTasks(context));
            isoMade = cleanup.add("cidata ISO " + ds.display(path), "govc datastore.rm " + path, () -> undo.delete(path));
            ds.put(path, local);
            iso = ds.display(path);
            events.info("uploaded the userdata as a NoCloud cidata ISO to " + iso);
        }
        if (soap.find("VirtualMachine", request.name()).isPresent()) {
            throw KilnException.usage("A virtual machine named " + request.name() + " already exists; pass another"
                    + " --name or remove it (govc vm.destroy " + request.name() + ")");
        }
        String vm;
        Cleanup.Handle made;
        Map<String, String> tags;
        if (itemId != null) {
            vm = deploy(request, itemId, placement);
            tags = tags(request, library.item(itemId).digest());
        } else {
            vm = create(request, onDatastore.get(), placement, datacenter, firmware);
            DatastoreFiles ds = new DatastoreFiles(rest.connection(), context.cancel(), datacenter,
                    onDatastore.get().datastore(), tasks);
            tags = tags(request, ds.read(onDatastore.get().path() + ".kiln-digest").map(String::trim));
        }
        made = cleanup.add("virtual machine " + vm + " (" + request.name() + ")", "govc vm.destroy "
                + request.name(), () -> rest.regardlessOfCancel(() -> remove(vm)));
        new Tagging(rest, cleanup, events).attach(Tagging.VIRTUAL_MACHINE, vm, tags);

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
        VmDevices devices = VmDevices.of(soap.property("VirtualMachine", vm, "config.hardware.device"));
        if (iso != null) {
            devices.cdrom(iso);
        }
        devices.disks(request.disks());
        String serialPath = null;
        if (serial) {
            serialPath = SerialLog.nextTo(soap.text("VirtualMachine", vm, "config.files.vmPathName"));
            devices.serialToFile(serialPath);
        }
        soap.reconfigure(vm, firmware, extra, devices, tasks);
        if (!request.disks().isEmpty()) {
            events.info("added " + request.disks().size() + " new VMDK" + (request.disks().size() == 1 ? "" : "s")
                    + " to " + request.name());
        }
        soap.powerOn(vm, tasks);
        RunResult.Builder result = RunResult.builder("vcenter", vm).location(placement.poolName())
                .created(Resource.of("virtual machine", vm, request.name()));
        if (iso != null) {
            result.created(Resource.of("datastore file", iso, datastore));
        }
        SerialLog log = null;
        if (serialPath != null) {
            DatastoreImage at = DatastoreImage.parse(serialPath).orElseThrow();
            log = new SerialLog(new DatastoreFiles(rest.connection(), context.cancel(), datacenter, at.datastore(),
                    tasks), at.path(), events, serialFile);
            events.info("serial console: " + serialPath);
        }
        String state = "poweredOn";
        try {
            if (options.flag(VcenterFlags.WAIT_IP)) {
                SerialLog console = log;
                String ip = waits.until("VMware Tools in " + request.name() + " to report an IP address", () -> {
                    if (console != null) {
                        console.poll();
                    }
                    String address = soap.text("VirtualMachine", vm, "guest.ipAddress");
                    return address.isBlank() ? Optional.empty() : Optional.of(address);
                });
                result.address(ip.contains(":") ? "private_ipv6" : "private_ipv4", ip);
                events.info(request.name() + " has IP address " + ip);
            }
            Lifecycle.Wait wait = request.lifecycle().waitOr(request.lifecycle().rm() ? Lifecycle.Wait.STOPPED
                    : Lifecycle.Wait.RUNNING);
            if (wait == Lifecycle.Wait.STOPPED) {
                SerialLog console = log;
                state = waits.until(request.name() + " to power off", () -> {
                    if (console != null) {
                        console.poll();
                    }
                    String s = soap.text("VirtualMachine", vm, "runtime.powerState");
                    return s.equals("poweredOff") ? Optional.of(s) : Optional.empty();
                });
            }
            if (log != null) {
                log.finish();
                serialFile.ifPresent(result::consoleLog);
            }
        } finally {
            if (log != null) {
                log.close();
            }
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

    /** Deploys the library item; answers the VM id. Cleanup removes the VM the deploy made, even if cut off. */
    private String deploy(RunRequest request, String itemId, Placement placement) throws InterruptedException {
        ObjectNode body = VcenterRest.JSON.createObjectNode();
        body.set("target", placement.target());
        ObjectNode spec = body.putObject("deployment_spec").put("name", request.name()).put("accept_all_EULA", true);
        List<String> templateNetworks = List.of();
        if (!placement.networks().isEmpty()) {
            ObjectNode filter = VcenterRest.JSON.createObjectNode();
            filter.set("target", placement.target());
            templateNetworks = Placement.filtered(rest.call("read the networks of library item " + itemId, "POST",
                    "vcenter/ovf/library-item", itemId, "filter", null, filter));
        }
        placement.addTo(spec, templateNetworks, rest.dialect());
        // until the deploy answers, the VM is known by name only: a deploy cut off by Ctrl-C goes on in vCenter,
        // so cleanup looks for its VM for a while before deciding there is none
        boolean[] cut = {false};
        Cleanup.Handle deploying = cleanup.addIfMade("virtual machine " + request.name() + " (if the deploy made it)",
                "govc vm.destroy " + request.name(), () -> rest.regardlessOfCancelAnswering(() -> {
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
                    return removed(made, request.name());
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
        events.info("deployed " + request.name() + " as " + vm);
        return vm;
    }

    /**
     * Creates a VM around an ISO on a datastore, as LinuxKit's run vcenter does: otherLinux64Guest, --cpus,
     * --memory, the firmware, a vmxnet3 NIC on the first --network (else "VM Network") and the ISO on an IDE CD-ROM.
     */
    private String create(RunRequest request, DatastoreImage image, Placement placement, String datacenter,
                          String firmware) throws InterruptedException {
        String dc = soap.find("Datacenter", datacenter).orElseThrow(() -> KilnException.usage("There is no"
                + " datacenter named " + datacenter + "; check --datacenter"));
        String folder = placement.folder() != null ? placement.folder()
                : soap.reference("Datacenter", dc, "vmFolder")[1];
        String datastore = options.find(VcenterFlags.DATASTORE).orElse(image.datastore());
        String network = placement.networks().isEmpty() ? Placement.KILN_OVF_NETWORK
                : placement.networks().get(0).getValue();
        int cpus = options.integer(VcenterFlags.CPUS).orElse(1);
        long memory = options.size(VcenterFlags.MEMORY, ByteSize.MIB).map(b -> new ByteSize(b).ceil(ByteSize.MIB))
                .orElse(1024L);
        if (cpus < 1 || memory < 4) {
            throw KilnException.usage("--cpus must be at least 1 and --memory at least 4M");
        }
        VmDevices devices = VmDevices.forNewVm().nic(network).cdrom(image.display());
        String config = "<name>" + VimSoap.xml(request.name()) + "</name><guestId>otherLinux64Guest</guestId>"
                + "<files><vmPathName>[" + VimSoap.xml(datastore) + "]</vmPathName></files>"
                + "<numCPUs>" + cpus + "</numCPUs><memoryMB>" + memory + "</memoryMB>" + devices.xml()
                + "<firmware>" + firmware + "</firmware>";
        // a refused or cut-off create may leave a VM behind: cleanup looks for it and names it only if there is one
        Cleanup.Handle creating = cleanup.addIfMade("virtual machine " + request.name() + " (if the create made it)",
                "govc vm.destroy " + request.name(), () -> rest.regardlessOfCancelAnswering(
                        () -> removed(soap.find("VirtualMachine", request.name()), request.name())));
        String vm = soap.createVm(folder, placement.pool(), placement.host(), config, tasks);
        creating.keep();
        events.info("created " + request.name() + " as " + vm + " around " + image.display());
        return vm;
    }

    /** Removes the VM a create or deploy left ({@code vm}, if any): what cleanup then says it removed. */
    private Optional<String> removed(Optional<String> vm, String name) throws InterruptedException {
        if (vm.isEmpty()) {
            return Optional.empty();
        }
        remove(vm.get());
        return Optional.of("virtual machine " + vm.get() + " (" + name + ")");
    }

    /**
     * What the template's stored .ovf declares (kiln's OVF says bios for a BIOS-only image), else efi, saying so:
     * vcsim, and some vCenter versions, deploy without the OVF's firmware, so ReconfigVM sets it.
     */
    private String templateFirmware(ContentLibrary library, String itemId) throws InterruptedException {
        Optional<String> declared = library.descriptor(itemId, tasks).flatMap(OvfTuning::declaredFirmware)
                .filter(f -> f.equals("efi") || f.equals("bios"));
        if (declared.isPresent()) {
            events.info("firmware " + declared.get() + ": what library item " + itemId + "'s .ovf declares;"
                    + " --firmware chooses another");
            return declared.get();
        }
        events.warn("library item " + itemId + "'s .ovf declares no firmware; giving the VM efi (pass --firmware bios"
                + " if it boots with BIOS)");
        return "efi";
    }

    /** What the ISO boots with (its El Torito catalog), else efi, saying so. */
    private String isoFirmware(DatastoreImage image, String datacenter) throws InterruptedException {
        Optional<String> found = image.firmware(new DatastoreFiles(rest.connection(), context.cancel(), datacenter,
                image.datastore(), tasks));
        if (found.isPresent()) {
            events.info("firmware " + found.get() + ": what " + image.display() + " boots with (its El Torito"
                    + " catalog); --firmware chooses another");
            return found.get();
        }
        events.warn(image.display() + " has no El Torito boot catalog; giving the VM efi firmware (pass --firmware"
                + " bios if it boots with BIOS)");
        return "efi";
    }

    /** kiln's tags on the VM: its name, the template's digest (when kiln pushed it), kiln's version, {@code --tag}. */
    static Map<String, String> tags(RunRequest request, Optional<String> digest) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("kiln-name", request.name());
        digest.ifPresent(d -> tags.put("kiln-digest", d));
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
