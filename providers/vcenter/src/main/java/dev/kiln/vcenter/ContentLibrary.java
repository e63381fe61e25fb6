package dev.kiln.vcenter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Content-library calls: libraries, items, their files. One method per remote operation. */
final class ContentLibrary {

    /** What kiln writes in an item's description so a later push finds the same content. */
    static final String DIGEST_MARK = "kiln-digest: ";

    /** One library item as kiln sees it. */
    record Item(String id, String name, String description) {
        Optional<String> digest() {
            int i = description.indexOf(DIGEST_MARK);
            if (i < 0) {
                return Optional.empty();
            }
            String rest = description.substring(i + DIGEST_MARK.length()).trim();
            int end = rest.indexOf(' ');
            return Optional.of(end < 0 ? rest : rest.substring(0, end));
        }
    }

    private final VcenterRest rest;

    ContentLibrary(VcenterRest rest) {
        this.rest = rest;
    }

    private static ObjectNode obj() {
        return VcenterRest.JSON.createObjectNode();
    }

    Optional<String> findLibrary(String name) throws InterruptedException {
        JsonNode ids = rest.call("find content library " + name, "POST", "content/library", null, "find", "spec",
                obj().put("name", name));
        return ids.isArray() && !ids.isEmpty() ? Optional.of(ids.get(0).asText()) : Optional.empty();
    }

    /** Ids of every library this user sees. */
    List<String> libraries() throws InterruptedException {
        List<String> out = new ArrayList<>();
        rest.call("list content libraries", "GET", "content/library", null, null, null, null)
                .forEach(n -> out.add(n.asText()));
        return out;
    }

    String libraryName(String id) throws InterruptedException {
        return rest.call("read content library " + id, "GET", "content/library", id, null, null, null).path("name")
                .asText(id);
    }

    /** An item's JSON (name, description, library_id, creation_time), or empty when there is no such item. */
    Optional<JsonNode> read(String id) throws InterruptedException {
        try {
            return Optional.of(rest.call("read library item " + id, "GET", "content/library/item", id, null, null,
                    null));
        } catch (dev.kiln.api.KilnException e) {
            if (String.valueOf(e.getMessage()).contains("HTTP 404")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** A local library backed by {@code datastoreId}. */
    String createLibrary(String name, String datastoreId) throws InterruptedException {
        ObjectNode spec = obj().put("name", name).put("type", "LOCAL")
                .put("description", "OVF templates pushed by kiln");
        spec.putArray("storage_backings").addObject().put("type", "DATASTORE").put("datastore_id", datastoreId);
        return rest.call("create content library " + name, "POST", "content/local-library", null, null, "create_spec",
                spec).asText();
    }

    List<String> itemIds(String libraryId, String name) throws InterruptedException {
        ObjectNode spec = obj().put("library_id", libraryId);
        if (name != null) {
            spec.put("name", name);
        }
        JsonNode ids = rest.call("find library items", "POST", "content/library/item", null, "find", "spec", spec);
        List<String> out = new ArrayList<>();
        ids.forEach(n -> out.add(n.asText()));
        return out;
    }

    Item item(String id) throws InterruptedException {
        JsonNode n = rest.call("read library item " + id, "GET", "content/library/item", id, null, null, null);
        return new Item(id, n.path("name").asText(), n.path("description").asText(""));
    }

    /** Names of the files an item holds (none for an item a failed import left empty). */
    List<String> files(String itemId) throws InterruptedException {
        String path = rest.path("content/library/item/file", null, null, "library_item_id=" + itemId);
        JsonNode files = rest.exchange("list the files of library item " + itemId, "GET", path, null, null);
        List<String> out = new ArrayList<>();
        files.forEach(f -> out.add(f.path("name").asText()));
        return out;
    }

    /**
     * The item's {@code .ovf} descriptor, read through a download session (create, prepare the file, wait until
     * PREPARED, GET it, delete the session); empty when the item holds no .ovf.
     */
    Optional<String> descriptor(String itemId, dev.kiln.api.Poll poll) throws InterruptedException {
        Optional<String> ovf = files(itemId).stream().filter(n -> n.toLowerCase(java.util.Locale.ROOT)
                .endsWith(".ovf")).findFirst();
        if (ovf.isEmpty()) {
            return Optional.empty();
        }
        String sid = rest.call("open a download session on library item " + itemId, "POST", DOWNLOAD, null, null,
                "create_spec", obj().put("library_item_id", itemId)).asText();
        try {
            ObjectNode file = obj().put("file_name", ovf.get());
            JsonNode prepared = rest.call("prepare " + ovf.get() + " for download", "POST", DOWNLOAD_FILES, sid,
                    "prepare", null, file);
            JsonNode ready = prepared.path("status").asText().equals("PREPARED") ? prepared
                    : poll.until(ovf.get() + " of library item " + itemId + " to be prepared for download", () -> {
                        JsonNode f = rest.call("read the download of " + ovf.get(), "POST", DOWNLOAD_FILES, sid, "get",
                                null, file);
                        if (f.path("status").asText().equals("ERROR")) {
                            throw dev.kiln.api.KilnException.tried("download " + ovf.get() + " of library item "
                                    + itemId, "vCenter could not prepare it", "");
                        }
                        return f.path("status").asText().equals("PREPARED") ? Optional.of(f) : Optional.empty();
                    });
            java.net.URI uri = java.net.URI.create(ready.path("download_endpoint").path("uri").asText());
            var r = rest.get(uri, "download " + ovf.get() + " of library item " + itemId);
            if (r.statusCode() / 100 != 2) {
                throw dev.kiln.api.KilnException.tried("download " + ovf.get() + " of library item " + itemId,
                        "vCenter answered HTTP " + r.statusCode(), "");
            }
            return Optional.of(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            try {
                rest.regardlessOfCancel(() -> rest.call("delete download session " + sid, "DELETE", DOWNLOAD, sid,
                        null, null, null));
            } catch (dev.kiln.api.KilnException e) {
                // a download session left behind holds nothing and expires by itself (vCenter ends idle ones)
            }
        }
    }

    private static final String DOWNLOAD = "content/library/item/download-session";
    private static final String DOWNLOAD_FILES = "content/library/item/downloadsession/file";

    String createItem(String libraryId, String name, String description) throws InterruptedException {
        ObjectNode spec = obj().put("library_id", libraryId).put("name", name).put("type", "ovf")
                .put("description", description);
        return rest.call("create library item " + name, "POST", "content/library/item", null, null, "create_spec", spec)
                .asText();
    }

    void rename(String itemId, String name) throws InterruptedException {
        rest.call("rename library item " + itemId + " to " + name, "PATCH", "content/library/item", itemId, null,
                "update_spec", obj().put("name", name));
    }

    /**
     * Deletes the item's update sessions (one whose creation was cut short by Ctrl-C has an id kiln never saw),
     * then the item.
     */
    void deleteItemAndSessions(String itemId) throws InterruptedException {
        JsonNode sessions = rest.call("list update sessions", "GET", "content/library/item/update-session", null, null,
                null, null);
        for (JsonNode sid : sessions) {
            String id = sid.asText();
            JsonNode s = rest.call("read update session " + id, "GET", "content/library/item/update-session", id, null,
                    null, null);
            if (itemId.equals(s.path("library_item_id").asText())) {
                rest.call("delete update session " + id, "DELETE", "content/library/item/update-session", id, null,
                        null, null);
            }
        }
        deleteItem(itemId);
    }

    void deleteItem(String itemId) throws InterruptedException {
        rest.call("delete library item " + itemId, "DELETE", "content/library/item", itemId, null, null, null);
    }
}
