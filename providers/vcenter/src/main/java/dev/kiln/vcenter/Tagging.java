package dev.kiln.vcenter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.spi.Cleanup;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * kiln's tags through vSphere tagging ({@code cis/tagging}): a vSphere tag is a name in a category, so each kiln
 * tag KEY=VALUE is the tag VALUE in the category KEY (single cardinality). Missing categories and tags are
 * created, existing ones reused, so pushes never duplicate them (one made by another push between the lookup and
 * the create is found again and used); what this command created is undone on failure.
 */
final class Tagging {

    /** The object type of a content-library item in tag associations. */
    static final String LIBRARY_ITEM = "com.vmware.content.library.Item";

    /** The object type of a virtual machine (its id is the managed object id, vm-N). */
    static final String VIRTUAL_MACHINE = "VirtualMachine";

    /** The category whose tag names are content digests: how a push finds what an earlier one uploaded. */
    static final String DIGEST_CATEGORY = "kiln-digest";

    private final VcenterRest rest;
    private final Cleanup cleanup;
    private final Events events;
    private Boolean available;

    Tagging(VcenterRest rest, Cleanup cleanup, Events events) {
        this.rest = rest;
        this.cleanup = cleanup;
        this.events = events;
    }

    private static ObjectNode obj() {
        return VcenterRest.JSON.createObjectNode();
    }

    /**
     * Whether this vCenter serves tagging: a server without it (404 on the categories) is told once, and kiln's
     * digest then lives only in the item's description.
     */
    boolean available() throws InterruptedException {
        if (available == null) {
            try {
                rest.call("list tag categories", "GET", "cis/tagging/category", null, null, null, null);
                available = true;
            } catch (KilnException e) {
                if (!String.valueOf(e.getMessage()).contains("HTTP 404")) {
                    throw e;
                }
                events.warn("vCenter has no tagging service (HTTP 404 on cis/tagging): kiln's tags are not set, and"
                        + " the content digest is kept in the item's description only");
                available = false;
            }
        }
        return available;
    }

    /** Ids of the objects of {@code objectType} that carry the tag {@code name} of category {@code category}. */
    java.util.Set<String> tagged(String category, String name, String objectType) throws InterruptedException {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        Optional<String> categoryId = findCategory(category);
        Optional<String> tagId = categoryId.isEmpty() ? Optional.empty() : findTag(categoryId.get(), name);
        if (tagId.isEmpty()) {
            return out;
        }
        JsonNode objects = rest.call("list the objects tagged " + category + "=" + name, "POST",
                "cis/tagging/tag-association", tagId.get(), "list-attached-objects", null,
                rest.dialect() == VcenterRest.Dialect.API ? null : obj());
        for (JsonNode o : objects) {
            if (objectType.equals(o.path("type").asText())) {
                out.add(o.path("id").asText());
            }
        }
        return out;
    }

    /**
     * Every object of {@code objectType} carrying a tag of {@code category}, to that tag's name (kiln ls: the
     * kiln-digest of each item, the kiln-name of each VM); empty when the category does not exist.
     */
    Map<String, String> taggedIn(String category, String objectType) throws InterruptedException {
        Map<String, String> out = new LinkedHashMap<>();
        Optional<String> categoryId = findCategory(category);
        if (categoryId.isEmpty()) {
            return out;
        }
        for (JsonNode id : tagIds(categoryId.get())) {
            String name = rest.call("read tag " + id.asText(), "GET", "cis/tagging/tag", id.asText(), null, null, null)
                    .path("name").asText();
            JsonNode objects = rest.call("list the objects tagged " + category + "=" + name, "POST",
                    "cis/tagging/tag-association", id.asText(), "list-attached-objects", null,
                    rest.dialect() == VcenterRest.Dialect.API ? null : obj());
            for (JsonNode o : objects) {
                if (objectType.equals(o.path("type").asText())) {
                    out.put(o.path("id").asText(), name);
                }
            }
        }
        return out;
    }

    /** Attaches every tag to the object, creating the categories and tags that are missing. */
    void attach(String objectType, String objectId, Map<String, String> tags) throws InterruptedException {
        if (!available()) {
            return;
        }
        Map<String, String> ids = new LinkedHashMap<>();
        for (var tag : tags.entrySet()) {
            String category = category(tag.getKey());
            ids.put(tag.getKey() + "=" + tag.getValue(), tag(category, tag.getKey(), tag.getValue()));
        }
        ObjectNode object = obj().put("type", objectType).put("id", objectId);
        for (var tag : ids.entrySet()) {
            rest.call("attach tag " + tag.getKey() + " to " + objectId, "POST", "cis/tagging/tag-association",
                    tag.getValue(), "attach", null, obj().set("object_id", object));
        }
        events.debug("tagged " + objectId + " with " + ids.keySet());
    }

    /** The id of the category named {@code name}, created when missing. */
    String category(String name) throws InterruptedException {
        Optional<String> found = findCategory(name);
        if (found.isPresent()) {
            return found.get();
        }
        ObjectNode spec = obj().put("name", name).put("description", "kiln tag " + name)
                .put("cardinality", "SINGLE");
        spec.putArray("associable_types");
        String id;
        try {
            id = rest.call("create tag category " + name, "POST", "cis/tagging/category", null, null, "create_spec",
                    spec).asText();
        } catch (KilnException e) {
            // another push made it since the lookup (already_exists): use that one, it is not ours to undo
            Optional<String> raced = findCategory(name);
            if (raced.isEmpty()) {
                throw e;
            }
            return raced.get();
        }
        cleanup.add("tag category " + name + " (" + id + ")", () -> rest.regardlessOfCancel(() -> rest.call(
                "delete tag category " + id, "DELETE", "cis/tagging/category", id, null, null, null)));
        return id;
    }

    Optional<String> findCategory(String name) throws InterruptedException {
        for (JsonNode id : rest.call("list tag categories", "GET", "cis/tagging/category", null, null, null, null)) {
            JsonNode c = rest.call("read tag category " + id.asText(), "GET", "cis/tagging/category", id.asText(),
                    null, null, null);
            if (name.equals(c.path("name").asText())) {
                return Optional.of(id.asText());
            }
        }
        return Optional.empty();
    }

    /** The id of the tag {@code name} in the category, created when missing. */
    private String tag(String categoryId, String key, String name) throws InterruptedException {
        Optional<String> found = findTag(categoryId, name);
        if (found.isPresent()) {
            return found.get();
        }
        ObjectNode spec = obj().put("name", name).put("description", "kiln tag " + key + "=" + name)
                .put("category_id", categoryId);
        String id;
        try {
            id = rest.call("create tag " + key + "=" + name, "POST", "cis/tagging/tag", null, null, "create_spec",
                    spec).asText();
        } catch (KilnException e) {
            Optional<String> raced = findTag(categoryId, name);
            if (raced.isEmpty()) {
                throw e;
            }
            return raced.get();
        }
        cleanup.add("tag " + key + "=" + name + " (" + id + ")", () -> rest.regardlessOfCancel(() -> rest.call(
                "delete tag " + id, "DELETE", "cis/tagging/tag", id, null, null, null)));
        return id;
    }

    /** The id of the tag {@code name} in the category. */
    Optional<String> findTag(String categoryId, String name) throws InterruptedException {
        for (JsonNode id : tagIds(categoryId)) {
            JsonNode t = rest.call("read tag " + id.asText(), "GET", "cis/tagging/tag", id.asText(), null, null, null);
            if (name.equals(t.path("name").asText())) {
                return Optional.of(id.asText());
            }
        }
        return Optional.empty();
    }

    /** Tag ids of a category: {@code /api} takes the category in the body, {@code /rest} in the path. */
    private JsonNode tagIds(String categoryId) throws InterruptedException {
        return rest.dialect() == VcenterRest.Dialect.API
                ? rest.call("list the tags of category " + categoryId, "POST", "cis/tagging/tag", null,
                        "list-tags-for-category", null, obj().put("category_id", categoryId))
                : rest.call("list the tags of category " + categoryId, "POST", "cis/tagging/tag", categoryId,
                        "list-tags-for-category", null, null);
    }
}
