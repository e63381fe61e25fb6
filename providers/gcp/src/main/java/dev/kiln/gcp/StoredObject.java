package dev.kiln.gcp;

import com.google.gson.JsonObject;

/**
 * The object resource the last request of an upload answers with
 * (cloud.google.com/storage/docs/json_api/v1/objects#resource); {@code size} is a string there.
 */
record StoredObject(String bucket, String name, long size, String crc32c) {

    static StoredObject of(JsonObject o) {
        return new StoredObject(text(o, "bucket"), text(o, "name"),
                o.has("size") ? Long.parseLong(o.get("size").getAsString()) : -1, text(o, "crc32c"));
    }

    private static String text(JsonObject o, String field) {
        return o.has(field) && !o.get(field).isJsonNull() ? o.get(field).getAsString() : "";
    }
}
