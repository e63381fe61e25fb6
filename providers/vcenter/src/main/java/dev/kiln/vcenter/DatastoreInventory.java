package dev.kiln.vcenter;

import dev.kiln.api.CancelToken;
import dev.kiln.api.KilnException;
import dev.kiln.api.Poll;
import dev.kiln.spi.Made;
import dev.kiln.spi.Resource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The files {@code push --target datastore} made, as kiln ls/rm see them: each has a {@code .kiln-digest} file
 * next to it (found with SearchDatastoreSubFolders_Task), which is its part. They are looked for in
 * {@code --datacenter}, else in every datacenter; an image's location is its datacenter (the id names the
 * datastore), which FileManager needs to delete it.
 */
final class DatastoreInventory {

    /** What push --target datastore writes next to a file: its content digest. */
    static final String DIGEST_FILE = ".kiln-digest";

    private final VcenterConnection connection;
    private final VimSoap soap;
    private final Optional<String> datacenter;
    private final Poll tasks;
    private final CancelToken cancel;

    DatastoreInventory(VcenterConnection connection, VimSoap soap, Optional<String> datacenter, Poll tasks,
                       CancelToken cancel) {
        this.connection = connection;
        this.soap = soap;
        this.datacenter = datacenter;
        this.tasks = tasks;
        this.cancel = cancel;
    }

    /** Datacenter morefs to names: --datacenter's, else all of them. */
    Map<String, String> datacenters() throws InterruptedException {
        if (datacenter.isEmpty()) {
            return soap.all("Datacenter");
        }
        String name = datacenter.get();
        String id = soap.find("Datacenter", name).orElseThrow(() -> KilnException.usage("There is no datacenter"
                + " named " + name + "; check --datacenter"));
        return Map.of(id, name);
    }

    List<Made> list() throws InterruptedException {
        List<Made> out = new ArrayList<>();
        for (var dc : datacenters().entrySet()) {
            for (var ds : soap.allInDatacenter(dc.getKey(), "Datastore").entrySet()) {
                for (String digestFile : soap.search(ds.getKey(), ds.getValue(), "*" + DIGEST_FILE, tasks)) {
                    DatastoreImage image = DatastoreImage.parse(digestFile.substring(0, digestFile.length()
                            - DIGEST_FILE.length())).orElseThrow();
                    made(image, dc.getValue(), true).ifPresent(out::add);
                }
            }
        }
        return out;
    }

    /** The file at {@code [DS] path}, in the first datacenter holding a datastore of that name where it exists. */
    Optional<Made> find(DatastoreImage image) throws InterruptedException {
        for (var dc : datacenters().entrySet()) {
            if (soap.allInDatacenter(dc.getKey(), "Datastore").containsValue(image.datastore())) {
                Optional<Made> found = made(image, dc.getValue(), false);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    /** The file, then its digest file; one already gone counts as removed. */
    List<Resource> remove(Made made) throws InterruptedException {
        List<Resource> removed = new ArrayList<>();
        soap.deleteDatastoreFile(made.id(), made.location(), tasks);
        removed.add(made.resource());
        for (Resource part : made.parts()) {
            soap.deleteDatastoreFile(part.id(), part.location(), tasks);
            removed.add(part);
        }
        return removed;
    }

    /** The file with its digest file as a part; empty when it is gone (or, {@code kilnOnly}, has no digest). */
    private Optional<Made> made(DatastoreImage image, String dc, boolean kilnOnly) throws InterruptedException {
        DatastoreFiles files = new DatastoreFiles(connection, cancel, dc, image.datastore(), tasks);
        if (!files.exists(image.path())) {
            return Optional.empty();
        }
        Optional<String> digest = files.read(image.path() + DIGEST_FILE).map(String::trim);
        if (kilnOnly && digest.isEmpty()) {
            return Optional.empty();
        }
        String file = image.path().substring(image.path().lastIndexOf('/') + 1);
        Made.Builder made = Made.builder(Made.Kind.IMAGE, image.display())
                .name(file.contains(".") ? file.substring(0, file.lastIndexOf('.')) : file)
                .location(dc).digest(digest.orElse("")).byKiln(digest.isPresent());
        digest.ifPresent(d -> made.tags(Map.of(Tagging.DIGEST_CATEGORY, d))
                .part(Resource.of(VcenterInventory.FILE, image.display() + DIGEST_FILE, dc)));
        return Optional.of(made.build());
    }
}
