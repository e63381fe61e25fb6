package dev.kiln.gcp;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An object resource of the JSON API (cloud.google.com/storage/docs/json_api/v1/objects#resource),
 * as objects.get and the last request of an upload answer; {@code size} is a string there.
 *
 * @param metadata the object's custom metadata (kiln keeps the content digest in it)
 */
record StoredObject(String bucket, String name, long size, String crc32c, Map<String, String> metadata) {

    StoredObject {
        metadata = Map.copyOf(metadata);
    }

    static StoredObject of(JsonObject o) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (o.has("metadata") && o.get("metadata").isJsonObject()) {
            for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("metadata").entrySet()) {
                metadata.put(e.getKey(), e.getValue().getAsString());
            }
        }
        return new StoredObject(text(o, "bucket"), text(o, "name"),
                o.has("size") ? Long.parseLong(o.get("size").getAsString()) : -1, text(o, "crc32c"), metadata);
    }

    String uri() {
        return "gs://" + bucket + "/" + name;
    }

    private static String text(JsonObject o, String field) {
        return o.has(field) && !o.get(field).isJsonNull() ? o.get(field).getAsString() : "";
    }
}
