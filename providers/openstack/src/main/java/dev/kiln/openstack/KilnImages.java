package dev.kiln.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.spi.Made;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Glance images kiln pushed, as {@code kiln ls openstack images} and {@code kiln rm openstack} see them: the
 * project's own images ({@code GET /v2/images?owner=PROJECT}) that carry the {@code kiln_digest} property. Glance
 * filters properties by exact value only, so "has the property" is checked here. An image has no parts: Glance
 * deletes its data with it.
 */
final class KilnImages {

    private final Glance glance;
    private final String projectId;
    private final String location;

    KilnImages(Glance glance, String projectId, String location) {
        this.glance = glance;
        this.projectId = projectId;
        this.location = location;
    }

    /** Every image kiln pushed to this project, in any status Glance still lists, newest first. */
    List<Made> all() throws InterruptedException {
        return kilns(glance.list(own(Map.of())));
    }

    /** The images kiln pushed under {@code name}. */
    List<Made> named(String name) throws InterruptedException {
        return kilns(glance.list(own(Map.of("name", name))));
    }

    /** The image with this id, kiln's or not; empty when Glance does not know it (404). */
    List<Made> byId(String id) throws InterruptedException {
        try {
            return List.of(made(glance.show(id)));
        } catch (OpenStackApiException e) {
            if (e.status() == 404) {
                return List.of();
            }
            throw e;
        }
    }

    private Map<String, String> own(Map<String, String> filters) {
        Map<String, String> f = new LinkedHashMap<>(filters);
        if (!projectId.isEmpty()) {
            f.put("owner", projectId);
        }
        return f;
    }

    private List<Made> kilns(List<Glance.Image> images) {
        return images.stream().filter(i -> !i.property(PushImage.DIGEST).isEmpty()).map(this::made)
                .sorted(Made.newestFirst()).toList();
    }

    private Made made(Glance.Image image) {
        Map<String, String> tags = new TreeMap<>();
        image.raw().path("tags").forEach(t -> {
            String tag = t.asText();
            int eq = tag.indexOf('=');
            tags.put(eq < 0 ? tag : tag.substring(0, eq), eq < 0 ? "" : tag.substring(eq + 1));
        });
        String digest = image.property(PushImage.DIGEST);
        if (!digest.isEmpty()) {
            tags.put(PushImage.DIGEST, digest);
        }
        return Made.builder(Made.Kind.IMAGE, image.id()).name(image.name()).location(location).digest(digest)
                .created(instant(image.raw().path("created_at"))).state(image.status()).byKiln(!digest.isEmpty())
                .tags(tags).build();
    }

    /** OpenStack's timestamps are ISO 8601 ({@code 2026-12-03T10:00:00Z}); an odd one is left out, not fatal. */
    static Instant instant(JsonNode text) {
        try {
            return text.isTextual() ? Instant.parse(text.asText()) : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
