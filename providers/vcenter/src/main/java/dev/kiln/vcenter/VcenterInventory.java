package dev.kiln.vcenter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.spi.Made;
import dev.kiln.spi.Resource;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code kiln ls vcenter} and {@code kiln rm vcenter}. Images: content-library items carrying kiln's digest (its
 * {@code kiln-digest} tag, else the digest line kiln writes in the description, as {@code --if-exists} finds
 * them), and the files a datastore push made ({@link DatastoreInventory}). Instances: VMs carrying a {@code kiln-name} tag (run tags every VM it makes), with the cidata ISO run
 * uploaded for them; the serial log lives in the VM's folder and goes with it.
 */
final class VcenterInventory {

    static final String FILE = "datastore file";

    private static final Pattern CIDATA = Pattern.compile("<fileName>(\\[[^\\]<]+\\] [^<]*-cidata\\.iso)</fileName>");
    private static final Pattern ITEM_ID = Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");

    private final VcenterRest rest;
    private final VimSoap soap;
    private final ContentLibrary library;
    private final Tagging tagging;
    private final Events events;
    private final DatastoreInventory files;
    private final Optional<String> datacenter;
    private final dev.kiln.api.Poll tasks;

    VcenterInventory(VcenterRest rest, VimSoap soap, Events events, Optional<String> datacenter,
                     dev.kiln.api.Poll tasks, dev.kiln.api.CancelToken cancel) {
        this.rest = rest;
        this.soap = soap;
        this.files = new DatastoreInventory(rest.connection(), soap, datacenter, tasks, cancel);
        this.library = new ContentLibrary(rest);
        this.tagging = new Tagging(rest, new dev.kiln.spi.Cleanup(events, VcenterErrors::reason), events);
        this.events = events;
        this.datacenter = datacenter;
        this.tasks = tasks;
    }

    List<Made> list(Made.Kind kind) throws InterruptedException {
        List<Made> out = new ArrayList<>();
        if (kind == Made.Kind.IMAGE) {
            Map<String, String> digests = tagging.available()
                    ? tagging.taggedIn(Tagging.DIGEST_CATEGORY, Tagging.LIBRARY_ITEM) : Map.of();
            for (String lib : library.libraries()) {
                String libName = library.libraryName(lib);
                for (String id : library.itemIds(lib, null)) {
                    library.read(id).map(item -> image(id, item, libName, digests.get(id)))
                            .filter(Made::byKiln).ifPresent(out::add);
                }
            }
            out.addAll(files.list());
        } else {
            if (!tagging.available()) {
                events.warn("vCenter has no tagging service: kiln cannot tell the VMs it made (it marks them with a"
                        + " kiln-name tag); list them with 'govc ls vm'");
                return out;
            }
            for (var vm : tagging.taggedIn("kiln-name", Tagging.VIRTUAL_MACHINE).entrySet()) {
                instance(vm.getKey(), vm.getValue(), true).ifPresent(out::add);
            }
        }
        out.sort(Made.newestFirst());
        return out;
    }

    /** By id (a VM's vm-N, an item's UUID), else by the name kiln gave it. */
    List<Made> find(String idOrName) throws InterruptedException {
        if (idOrName.matches("vm-\\d+")) {
            Map<String, String> kiln = tagging.available()
                    ? tagging.taggedIn("kiln-name", Tagging.VIRTUAL_MACHINE) : Map.of();
            return instance(idOrName, kiln.getOrDefault(idOrName, ""), kiln.containsKey(idOrName)).stream().toList();
        }
        Optional<DatastoreImage> file = DatastoreImage.parse(idOrName);
        if (file.isPresent()) {
            return files.find(file.get()).stream().toList();
        }
        if (ITEM_ID.matcher(idOrName).matches()) {
            Optional<JsonNode> item = library.read(idOrName);
            if (item.isPresent()) {
                Optional<String> tagged = tagging.available() ? Optional.ofNullable(tagging.taggedIn(
                        Tagging.DIGEST_CATEGORY, Tagging.LIBRARY_ITEM).get(idOrName)) : Optional.empty();
                String lib = item.get().path("library_id").asText("");
                return List.of(image(idOrName, item.get(), lib.isEmpty() ? "" : library.libraryName(lib),
                        tagged.orElse(null)));
            }
        }
        List<Made> named = new ArrayList<>();
        for (Made.Kind kind : Made.Kind.values()) {
            list(kind).stream().filter(m -> m.name().equals(idOrName)).forEach(named::add);
        }
        return named;
    }

    /** The thing, then its parts; what is already gone counts as removed. */
    List<Resource> remove(Made made) throws InterruptedException {
        List<Resource> removed = new ArrayList<>();
        try {
            if (made.kind() == Made.Kind.IMAGE && DatastoreImage.parse(made.id()).isPresent()) {
                removed.addAll(files.remove(made));
            } else if (made.kind() == Made.Kind.IMAGE) {
                if (library.read(made.id()).isPresent()) {
                    // with the update sessions that filled it (a finished one is kept by vCenter for a while)
                    library.deleteItemAndSessions(made.id());
                }
                removed.add(made.resource());
            } else {
                if (exists(made.id())) {
                    if (!soap.text("VirtualMachine", made.id(), "runtime.powerState").equals("poweredOff")) {
                        soap.powerOff(made.id(), tasks);
                    }
                    soap.destroy(made.id(), tasks);
                }
                removed.add(made.resource());
                for (Resource part : made.parts()) {
                    soap.deleteDatastoreFile(part.id(), part.location(), tasks);
                    removed.add(part);
                }
            }
        } catch (KilnException e) {
            throw new KilnException(e.getMessage() + (removed.isEmpty() ? "" : "; removed " + removed)
                    + "; remove what is left with 'kiln rm vcenter " + made.id() + "' or " + govc(made), e);
        }
        removed.forEach(r -> events.info("removed " + r));
        return removed;
    }

    private static String govc(Made made) {
        if (made.kind() == Made.Kind.IMAGE && DatastoreImage.parse(made.id()).isPresent()) {
            return "'govc datastore.rm' for " + made.id() + " and " + made.parts().stream().map(Resource::id).toList();
        }
        return made.kind() == Made.Kind.IMAGE ? "'govc library.rm " + made.id() + "'"
                : "'govc vm.destroy " + made.name() + "'" + (made.parts().isEmpty() ? ""
                : " and 'govc datastore.rm' for " + made.parts().stream().map(Resource::id).toList());
    }

    /** A library item as kiln ls shows it; not byKiln when it carries no digest of kiln's. */
    private static Made image(String id, JsonNode item, String libraryName, String taggedDigest) {
        String description = item.path("description").asText("");
        String digest = Optional.ofNullable(taggedDigest).or(() -> new ContentLibrary.Item(id, "", description)
                .digest()).orElse("");
        Made.Builder made = Made.builder(Made.Kind.IMAGE, id).name(item.path("name").asText(""))
                .location(libraryName).digest(digest).byKiln(!digest.isEmpty());
        created(item).ifPresent(made::created);
        if (!digest.isEmpty()) {
            made.tags(Map.of(Tagging.DIGEST_CATEGORY, digest));
        }
        return made.build();
    }

    private static Optional<Instant> created(JsonNode item) {
        try {
            String t = item.path("creation_time").asText("");
            return t.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(t));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** A VM with its power state and the cidata ISO on its CD-ROM; empty when it is gone. */
    private Optional<Made> instance(String vm, String name, boolean byKiln) throws InterruptedException {
        if (!exists(vm)) {
            return Optional.empty();
        }
        Made.Builder made = Made.builder(Made.Kind.INSTANCE, vm).name(name.isEmpty()
                        ? soap.text("VirtualMachine", vm, "name") : name).byKiln(byKiln)
                .state(soap.text("VirtualMachine", vm, "runtime.powerState"));
        if (byKiln) {
            made.tags(Map.of("kiln-name", name));
            Matcher iso = CIDATA.matcher(soap.property("VirtualMachine", vm, "config.hardware.device"));
            while (iso.find()) {
                made.part(Resource.of(FILE, VimSoap.unxml(iso.group(1)), datacenterOf(vm)));
            }
        }
        String created = soap.text("VirtualMachine", vm, "config.createDate");
        try {
            if (!created.isEmpty()) {
                made.created(Instant.parse(created));
            }
        } catch (DateTimeParseException e) {
            events.debug("unreadable createDate of " + vm + ": " + created);
        }
        return Optional.of(made.build());
    }

    /** The name of the VM's datacenter (up its parents: folders, then the datacenter), which deletes its files. */
    private String datacenterOf(String vm) throws InterruptedException {
        String[] at = {"VirtualMachine", vm};
        for (int depth = 0; depth < 32 && !at[0].equals("Datacenter"); depth++) {
            try {
                at = soap.reference(at[0], at[1], "parent");
            } catch (KilnException e) {
                // a VM in a vApp has no parent folder; --datacenter says where its files are
                return datacenter.orElseThrow(() -> KilnException.usage("Cannot tell the datacenter of " + vm
                        + "; pass --datacenter"));
            }
        }
        return soap.text("Datacenter", at[1], "name");
    }

    /** Whether the VM is there: vCenter answers a gone one with ManagedObjectNotFound. */
    private boolean exists(String vm) throws InterruptedException {
        try {
            soap.text("VirtualMachine", vm, "name");
            return true;
        } catch (KilnException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("has already been deleted") || m.contains("ManagedObjectNotFound")) {
                return false;
            }
            throw e;
        }
    }
}
