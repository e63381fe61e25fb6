package dev.kiln.packet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.KilnException;
import dev.kiln.spi.Made;
import dev.kiln.spi.Resource;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The devices {@code run packet} created, as {@code kiln ls packet instances} and {@code kiln rm packet} see them:
 * a project's devices (every page) that carry kiln's {@code kiln:name=NAME} tag. A device {@code run --device}
 * reused is the user's and is never tagged. Metal tags are plain strings; {@code KEY=VALUE} ones become tags.
 */
final class KilnDevices {

    /** The tag run puts on the devices it creates, followed by the run's name. */
    static final String NAME_TAG = "kiln:name=";
    private static final int PAGE = 100;

    private final MetalApi api;

    KilnDevices(MetalApi api) {
        this.api = api;
    }

    /** Every device kiln created in the project, newest first. */
    List<Made> all(String project) throws InterruptedException {
        List<Made> found = new ArrayList<>();
        int last = 1;
        for (int page = 1; page <= last; page++) {
            JsonNode list;
            try {
                list = api.projectDevices(project, page, PAGE);
            } catch (MetalApi.MetalException e) {
                throw KilnException.tried("list the devices of project " + project, "the API answered " + e.status
                        + ": " + e.getMessage(), "check --project, --api-url and the token", e);
            }
            list.path("devices").forEach(d -> found.add(made(d)));
            last = list.path("meta").path("last_page").asInt(1);
        }
        return found.stream().filter(Made::byKiln).sorted(Made.newestFirst()).toList();
    }

    /** The device with this id, kiln's or not; empty when the API knows none (404). */
    Optional<Made> byId(String id) throws InterruptedException {
        try {
            return Optional.of(made(api.device(id)));
        } catch (MetalApi.MetalException e) {
            if (e.status == 404) {
                return Optional.empty();
            }
            throw KilnException.tried("look up device " + id, "the API answered " + e.status + ": " + e.getMessage(),
                    "check --api-url and the token", e);
        }
    }

    /** Deletes the device; one already gone counts as removed. */
    List<Resource> remove(Made made) throws InterruptedException {
        try {
            api.deleteDevice(made.id());
        } catch (MetalApi.MetalException e) {
            throw KilnException.tried("delete device " + made.id(), "the API answered " + e.status + ": "
                    + e.getMessage(), "it is still there: run 'kiln rm packet " + made.id() + "' again, or delete it "
                    + "in the provider's console", e);
        }
        return List.of(made.resource());
    }

    private static Made made(JsonNode device) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (JsonNode t : device.path("tags")) {
            String text = t.asText();
            int eq = text.indexOf('=');
            tags.put(eq < 0 ? text : text.substring(0, eq), eq < 0 ? "" : text.substring(eq + 1));
        }
        String key = NAME_TAG.substring(0, NAME_TAG.length() - 1);
        return Made.builder(Made.Kind.INSTANCE, device.path("id").asText()).name(tags.getOrDefault(key, ""))
                .location(device.path("metro").path("code").asText("")).state(device.path("state").asText(""))
                .created(instant(device.path("created_at").asText(""))).byKiln(tags.containsKey(key)).tags(tags)
                .build();
    }

    /** The API's timestamps are RFC 3339 ({@code 2019-08-24T14:15:22Z}). */
    private static Instant instant(String text) {
        try {
            return text.isEmpty() ? null : OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
