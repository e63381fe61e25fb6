package dev.kiln.vcenter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.Events;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.KilnException;
import dev.kiln.api.PublishPolicy.IfExists;
import dev.kiln.spi.Cleanup;
import dev.kiln.spi.Made;
import dev.kiln.spi.Options;
import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.spi.Resource;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.RunResult;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** {@code push vcenter} for one command: a content-library OVF template, or a file on a datastore. */
final class VcenterProvider implements Provider {

    private final ProviderContext context;
    private final Events events;
    private VcenterInventory inventory;
    private VcenterRest inventoryRest;
    private VimSoap inventorySoap;

    VcenterProvider(ProviderContext context) {
        this.context = context;
        this.events = context.events();
    }

    @Override
    public PushResult push(PushRequest request) throws InterruptedException {
        Options options = context.options();
        VcenterConnection connection = VcenterConnection.from(options, events);
        String target = options.find(VcenterFlags.TARGET).orElse("library").toLowerCase(Locale.ROOT);
        if (!target.equals("library") && !target.equals("datastore")) {
            throw KilnException.usage("--target must be library or datastore, not '" + target + "'");
        }
        events.debug("vCenter " + connection.base() + ", TLS trust: " + connection.trust());
        Cleanup cleanup = new Cleanup(events, VcenterErrors::reason);
        VcenterRest rest = new VcenterRest(connection, events, context.cancel(), context.clock());
        try {
            PushResult result = target.equals("datastore") ? toDatastore(connection, cleanup, request)
                    : toLibrary(rest, cleanup, request);
            cleanup.clear();
            return result;
        } catch (RuntimeException | InterruptedException e) {
            String undone = cleanup.undo();
            Thread.interrupted();
            if (e instanceof InterruptedException || context.cancel().isCancelled()) {
                throw KilnException.tried("push to vCenter", "it was interrupted"
                        + (undone.isEmpty() ? "" : " [cleanup: " + undone + "]"), "", e);
            }
            if (undone.isEmpty()) {
                throw e;
            }
            throw new KilnException(e.getMessage() + " [cleanup: " + undone + "]", e);
        } finally {
            rest.logout();
        }
    }

    private PushResult toLibrary(VcenterRest rest, Cleanup cleanup, PushRequest request) throws InterruptedException {
        Options options = context.options();
        OvfFiles files = tuned(OvfFiles.of(request.artifact()), request, options);
        String libraryName = options.find(VcenterFlags.LIBRARY).orElse("kiln");
        VcenterConnection connection = rest.connection();
        rest.login();
        {
            ContentLibrary library = new ContentLibrary(rest);
            Optional<String> libraryId = library.findLibrary(libraryName);
            if (libraryId.isEmpty() && !request.dryRun()) {
                String datastore = options.find(VcenterFlags.DATASTORE).orElseThrow(() -> KilnException.usage(
                        "Content library " + libraryName + " does not exist; pass --datastore (or GOVC_DATASTORE) to"
                                + " create it there, or --library NAME of an existing one"));
                String datastoreId = datastoreId(rest, connection, datastore);
                String id = library.createLibrary(libraryName, datastoreId);
                events.info("created content library " + libraryName + " (" + id + ") on datastore " + datastore);
                cleanup.add("content library " + libraryName + " (" + id + ")", "govc library.rm " + libraryName,
                        () -> rest.regardlessOfCancel(() -> rest.call("delete content library " + id, "DELETE",
                                "content/local-library", id, null, null, null)));
                libraryId = Optional.of(id);
            }
            UpdateSession session = new UpdateSession(rest, events, context.poll(Duration.ofSeconds(2),
                    Duration.ofMinutes(30), "look at the library item's update session in the vSphere Client"));
            return LibraryPush.push(rest, session, cleanup, events, request, libraryName, libraryId.orElse(null), files);
        }
    }

    /** The files with the .ovf declaring the firmware, hardware version and a guest type valid for it. */
    private OvfFiles tuned(OvfFiles files, PushRequest request, Options options) {
        try {
            String ovf = files.descriptor();
            java.util.OptionalInt hw = options.integer(VcenterFlags.HW_VERSION).map(java.util.OptionalInt::of)
                    .orElse(java.util.OptionalInt.empty());
            String tuned = OvfTuning.tune(ovf, request.bootModes(), hw);
            if (tuned.equals(ovf)) {
                return files;
            }
            Path out = context.workDir().resolve(files.parts().get(0).name());
            java.nio.file.Files.writeString(out, tuned);
            events.debug("OVF descriptor: firmware " + OvfTuning.firmware(request.bootModes())
                    + hw.stream().mapToObj(v -> ", vmx-" + v).findFirst().orElse(""));
            return files.withDescriptor(out);
        } catch (java.io.IOException e) {
            throw KilnException.tried("read the OVF descriptor of " + request.image(), e.toString(), "");
        }
    }

    /**
     * A datastore's managed object id: given as such, else looked up by name in {@code --datacenter} (two
     * datacenters may each have a datastore of that name), through {@code /api/vcenter/datastore} or over SOAP.
     */
    private String datastoreId(VcenterRest rest, VcenterConnection connection, String datastore)
            throws InterruptedException {
        if (datastore.matches("datastore-\\d+") || datastore.contains("@")) {
            return datastore;
        }
        String datacenter = context.options().find(VcenterFlags.DATACENTER).orElse("DC0");
        Optional<String> found;
        if (rest.dialect() == VcenterRest.Dialect.API) {
            JsonNode dcs = rest.exchange("find datacenter " + datacenter, "GET", rest.path("vcenter/datacenter", null,
                    null, "names=" + URLEncoder.encode(datacenter, StandardCharsets.UTF_8)), null, null);
            String dc = dcs.isArray() && !dcs.isEmpty() ? dcs.get(0).path("datacenter").asText() : null;
            if (dc == null) {
                throw noDatacenter(datacenter, connection);
            }
            JsonNode ds = rest.exchange("find datastore " + datastore, "GET", rest.path("vcenter/datastore", null, null,
                    "names=" + URLEncoder.encode(datastore, StandardCharsets.UTF_8) + "&datacenters="
                            + URLEncoder.encode(dc, StandardCharsets.UTF_8)), null, null);
            found = ds.isArray() && !ds.isEmpty() ? Optional.of(ds.get(0).path("datastore").asText())
                    : Optional.empty();
        } else {
            VimSoap soap = new VimSoap(connection);
            try {
                String dc = soap.find("Datacenter", datacenter).orElseThrow(() -> noDatacenter(datacenter,
                        connection));
                found = soap.findInDatacenter(dc, "Datastore", datastore);
            } finally {
                soap.logout();
            }
        }
        return found.orElseThrow(() -> KilnException.usage("There is no datastore named " + datastore
                + " in datacenter " + datacenter + " of " + connection.base() + "; check --datastore and --datacenter"
                + " (govc datastore.info -dc " + datacenter + " lists them)"));
    }

    private static KilnException noDatacenter(String datacenter, VcenterConnection connection) {
        return KilnException.usage("There is no datacenter named " + datacenter + " in " + connection.base()
                + "; check --datacenter (govc ls / lists them)");
    }

    private PushResult toDatastore(VcenterConnection connection, Cleanup cleanup, PushRequest request)
            throws InterruptedException {
        ImageFormat format = request.format();
        Path file = request.image();
        String ext = format.id().startsWith("iso") ? ".iso" : format.equals(ImageFormat.VMDK) ? ".vmdk" : null;
        if (ext == null) {
            throw KilnException.usage("--target datastore takes an ISO or a VMDK, not " + format
                    + "; build with -f iso-efi, iso-bios or vmdk, or push an OVA to a content library");
        }
        Options options = context.options();
        String datastore = options.find(VcenterFlags.DATASTORE).orElseThrow(() -> KilnException.usage(
                "Missing --datastore; pass it or set GOVC_DATASTORE (the datastore the file goes to)"));
        String datacenter = options.find(VcenterFlags.DATACENTER).orElse("DC0");
        String folder = options.find(VcenterFlags.FOLDER).orElse("kiln").replaceAll("^/+|/+$", "");
        String path = (folder.isEmpty() ? "" : folder + "/") + request.name() + ext;
        String digestPath = path + DatastoreInventory.DIGEST_FILE;
        DatastoreFiles ds = new DatastoreFiles(connection, context.cancel(), datacenter, datastore,
                    tasks(context));
        PushResult.Builder result = PushResult.builder("vcenter", request)
                .tags(Map.of("kiln-digest", request.contentDigest()));
        boolean exists = ds.exists(path);
        if (exists) {
            Optional<String> digest = ds.read(digestPath).map(String::trim);
            IfExists policy = request.policy().ifExists();
            if (policy == IfExists.SKIP || digest.filter(request.contentDigest()::equals).isPresent()
                    && policy != IfExists.REPLACE) {
                events.info(ds.display(path) + " exists" + digest.map(d -> " (" + d + ")").orElse("") + "; kept");
                return result.outcome(PushResult.Outcome.EXISTED).image(datastore, ds.display(path)).build();
            }
            if (policy == IfExists.FAIL) {
                throw KilnException.usage("A file already exists: " + ds.display(path) + "; pass --if-exists skip to"
                        + " keep it or --if-exists replace to upload anew");
            }
        }
        if (request.dryRun()) {
            events.info("dry run: would upload " + file + " to " + ds.display(path));
            return result.outcome(PushResult.Outcome.DRY_RUN).build();
        }
        DatastoreFiles undo = new DatastoreFiles(connection, context.cleanupCancel(), datacenter, datastore,
                    undoTasks(context));
        // the bytes go to a temporary name and are moved over the name whole (MoveDatastoreFile_Task, force):
        // the name never holds a partial file, and a failed replace keeps the old one
        String temp = path + ".kiln-upload-" + request.digestHex().substring(0, Math.min(12,
                request.digestHex().length()));
        cleanup.add("datastore file " + ds.display(temp), "govc datastore.rm " + temp, () -> undo.delete(temp));
        ds.put(temp, file);
        ds.move(temp, path);
        if (!exists) {
            cleanup.add("datastore file " + ds.display(path), "govc datastore.rm " + path, () -> undo.delete(path));
        }
        cleanup.add("datastore file " + ds.display(digestPath), () -> undo.delete(digestPath));
        ds.putText(digestPath, request.contentDigest() + "\n");
        events.info("uploaded " + file.getFileName() + " to " + ds.display(path));
        return result.outcome(exists ? PushResult.Outcome.REPLACED : PushResult.Outcome.CREATED)
                .image(datastore, ds.display(path))
                .resource(Resource.of("datastore file", ds.display(path), datacenter)).build();
    }

    /** How vCenter tasks are waited for. */
    static dev.kiln.api.Poll tasks(ProviderContext context) {
        return context.poll(Duration.ofSeconds(1), Duration.ofMinutes(10), "look at the task in the vSphere Client");
    }

    /** Task waits of cleanup, which run after Ctrl-C too: their sleeps do not end on the command's cancel token. */
    static dev.kiln.api.Poll undoTasks(ProviderContext context) {
        return context.cleanupPoll(Duration.ofSeconds(1), Duration.ofMinutes(5), "remove it by hand");
    }

    @Override
    public List<Made> list(Made.Kind kind) throws InterruptedException {
        return inventory().list(kind);
    }

    @Override
    public List<Made> find(String idOrName) throws InterruptedException {
        return inventory().find(idOrName);
    }

    @Override
    public List<Resource> remove(Made made) throws InterruptedException {
        return inventory().remove(made);
    }

    /** kiln ls/rm's connection, made on first use and logged out by {@link #close}. */
    private VcenterInventory inventory() throws InterruptedException {
        if (inventory == null) {
            VcenterConnection connection = VcenterConnection.from(context.options(), events);
            inventoryRest = new VcenterRest(connection, events, context.cancel(), context.clock());
            inventorySoap = new VimSoap(connection);
            inventoryRest.login();
            inventory = new VcenterInventory(inventoryRest, inventorySoap, events,
                    context.options().find(VcenterFlags.DATACENTER), undoTasks(context),
                    context.cancel());
        }
        return inventory;
    }

    @Override
    public void close() {
        if (inventory != null) {
            inventorySoap.logout();
            inventoryRest.logout();
        }
    }

    @Override
    public RunResult run(RunRequest request) throws InterruptedException {
        VcenterConnection connection = VcenterConnection.from(context.options(), events);
        Cleanup cleanup = new Cleanup(events, VcenterErrors::reason);
        VcenterRest rest = new VcenterRest(connection, events, context.cancel(), context.clock());
        VimSoap soap = new VimSoap(connection);
        Duration timeout = request.lifecycle().timeoutOr(DeployVm.defaultTimeout());
        try {
            rest.login();
            RunResult result = new DeployVm(context, rest, soap, cleanup, tasks(context))
                    .run(request, context.poll(Duration.ofSeconds(5), timeout, "the VM is left running; remove it"
                            + " with govc vm.destroy " + request.name()));
            cleanup.clear();
            return result;
        } catch (RuntimeException | InterruptedException e) {
            String undone = request.lifecycle().keep() ? "" : cleanup.undo();
            Thread.interrupted();
            if (request.lifecycle().keep() && !cleanup.isEmpty()) {
                undone = "kept (--keep): " + String.join(", ", cleanup.pending());
            }
            if (e instanceof InterruptedException || context.cancel().isCancelled()) {
                throw KilnException.tried("run on vCenter", "it was interrupted"
                        + (undone.isEmpty() ? "" : " [cleanup: " + undone + "]"), "", e);
            }
            if (undone.isEmpty()) {
                throw e;
            }
            throw new KilnException(e.getMessage() + " [cleanup: " + undone + "]", e);
        } finally {
            soap.logout();
            rest.logout();
        }
    }
}
