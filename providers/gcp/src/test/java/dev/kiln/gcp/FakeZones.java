package dev.kiln.gcp;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link FakeCompute}'s zonal part (cloud.google.com/compute/docs/reference/rest/v1/instances and /disks): instances
 * and disks per zone, their aggregatedList across zones by label filter (zones without any answer the
 * NO_RESULTS_ON_PAGE warning, as GCE does), get and delete (an instance takes its autoDelete disks with it; a disk in
 * use cannot be deleted), and zone operations, DONE when asked. Called with FakeCompute's lock held.
 */
final class FakeZones {

    static final String BASE = "https://www.googleapis.com/compute/v1/projects/" + GcpFake.PROJECT;
    static final Set<String> ZONES = Set.of("europe-west1-d", "us-central1-a");
    private static final Pattern ZONAL = Pattern.compile(
            "/compute/v1/projects/" + GcpFake.PROJECT + "/zones/([^/]+)/(instances|disks|operations)/([^/]+)");
    private static final Pattern AGGREGATED = Pattern.compile(
            "/compute/v1/projects/" + GcpFake.PROJECT + "/aggregated/(instances|disks)");
    private static final Pattern LABEL = Pattern.compile("labels\\.([a-z][a-z0-9_-]*)(:\\*| = \"([^\"]*)\")");

    /** zone/name to the resource as GCE returns it. */
    final Map<String, JsonObject> instances = new LinkedHashMap<>();
    final Map<String, JsonObject> disks = new LinkedHashMap<>();
    /** The filter of every list call, in order. */
    final List<String> filters = new ArrayList<>();
    private int ids;

    /** An instance with a boot disk (autoDelete) and, if {@code keptDisk}, a data disk that outlives it. */
    String instance(String zone, String name, Map<String, String> labels, boolean keptDisk) {
        JsonObject i = new JsonObject();
        i.addProperty("kind", "compute#instance");
        i.addProperty("id", String.valueOf(4000000000000000000L + ++ids));
        i.addProperty("name", name);
        i.addProperty("zone", BASE + "/zones/" + zone);
        i.addProperty("status", "RUNNING");
        i.addProperty("creationTimestamp", String.format("2026-11-22T11:%02d:00.000-08:00", ids % 60));
        i.add("labels", labels(labels));
        i.addProperty("selfLink", BASE + "/zones/" + zone + "/instances/" + name);
        JsonArray attached = new JsonArray();
        attached.add(disk(zone, name, labels, i, true));
        if (keptDisk) {
            attached.add(disk(zone, name + "-disk-1", labels, i, false));
        }
        i.add("disks", attached);
        instances.put(zone + "/" + name, i);
        return name;
    }

    private JsonObject disk(String zone, String name, Map<String, String> labels, JsonObject user, boolean autoDelete) {
        JsonObject d = new JsonObject();
        d.addProperty("kind", "compute#disk");
        d.addProperty("name", name);
        d.addProperty("zone", BASE + "/zones/" + zone);
        d.addProperty("sizeGb", "10");
        d.addProperty("status", "READY");
        d.add("labels", labels(labels));
        JsonArray users = new JsonArray();
        users.add(user.get("selfLink").getAsString());
        d.add("users", users);
        disks.put(zone + "/" + name, d);
        JsonObject a = new JsonObject();
        a.addProperty("source", BASE + "/zones/" + zone + "/disks/" + name);
        a.addProperty("autoDelete", autoDelete);
        a.addProperty("boot", autoDelete);
        return a;
    }

    private static JsonObject labels(Map<String, String> labels) {
        JsonObject l = new JsonObject();
        labels.forEach(l::addProperty);
        return l;
    }

    /** An answer {status, body} for a zonal or aggregated path, or null when the path is not one of these. */
    Object[] route(String method, String path, String query) {
        Matcher aggregated = AGGREGATED.matcher(path);
        if (aggregated.matches() && method.equals("GET")) {
            String filter = query.replaceAll(".*(^|&)filter=([^&]*).*", "$2");
            filter = query.contains("filter=") ? java.net.URLDecoder.decode(filter, java.nio.charset.StandardCharsets.UTF_8)
                    : null;
            filters.add(filter);
            return new Object[] {200, aggregated(aggregated.group(1), filter)};
        }
        Matcher zonal = ZONAL.matcher(path);
        if (!zonal.matches()) {
            return null;
        }
        String zone = zonal.group(1);
        String key = zone + "/" + zonal.group(3);
        if (zonal.group(2).equals("operations")) {
            return new Object[] {200, GcpFake.operation(zonal.group(3), "DONE", 100, "zones/" + zone, "zones/" + zone)};
        }
        Map<String, JsonObject> kind = zonal.group(2).equals("instances") ? instances : disks;
        JsonObject found = kind.get(key);
        if (found == null) {
            return new Object[] {404, GcpFake.apiError(404, "notFound", "The resource '" + path + "' was not found")};
        }
        if (method.equals("GET")) {
            return new Object[] {200, found.toString()};
        }
        if (kind == disks && !found.getAsJsonArray("users").isEmpty()) {
            return new Object[] {400, GcpFake.apiError(400, "resourceInUseByAnotherResource", "The disk resource '"
                    + path + "' is already being used by '" + found.getAsJsonArray("users").get(0).getAsString() + "'")};
        }
        kind.remove(key);
        if (kind == instances) {
            for (JsonElement a : found.getAsJsonArray("disks")) {
                String disk = zone + "/" + KilnInstances.last(a.getAsJsonObject().get("source").getAsString());
                if (a.getAsJsonObject().get("autoDelete").getAsBoolean()) {
                    disks.remove(disk);
                } else if (disks.containsKey(disk)) {
                    disks.get(disk).add("users", new JsonArray());
                }
            }
        }
        return new Object[] {200, GcpFake.operation("operation-" + ++ids, "PENDING", 0,
                "zones/" + zone + "/" + zonal.group(2) + "/" + zonal.group(3), "zones/" + zone)};
    }

    private String aggregated(String kind, String filter) {
        Map<String, JsonObject> all = kind.equals("instances") ? instances : disks;
        JsonObject items = new JsonObject();
        for (String zone : new TreeSet<>(ZONES)) {
            JsonArray found = new JsonArray();
            all.forEach((key, r) -> {
                if (key.startsWith(zone + "/") && matches(filter, r.getAsJsonObject("labels"))) {
                    found.add(r);
                }
            });
            JsonObject scoped = new JsonObject();
            if (found.isEmpty()) {
                JsonObject warning = new JsonObject();
                warning.addProperty("code", "NO_RESULTS_ON_PAGE");
                warning.addProperty("message", "There are no results for scope 'zones/" + zone + "' on this page.");
                scoped.add("warning", warning);
            } else {
                scoped.add(kind, found);
            }
            items.add("zones/" + zone, scoped);
        }
        return "{\"kind\":\"compute#" + (kind.equals("instances") ? "instance" : "disk") + "AggregatedList\","
                + "\"id\":\"projects/" + GcpFake.PROJECT + "/aggregated/" + kind + "\",\"items\":" + items + "}";
    }

    /** GCE's label filters: {@code labels.KEY:*} (has the label) and {@code labels.KEY = "VALUE"}; null: all. */
    static boolean matches(String filter, JsonObject labels) {
        if (filter == null || filter.isEmpty()) {
            return true;
        }
        Matcher m = LABEL.matcher(filter);
        if (!m.matches()) {
            throw new IllegalArgumentException("the stand-in does not model filter " + filter);
        }
        if (labels == null || !labels.has(m.group(1))) {
            return false;
        }
        return m.group(3) == null || labels.get(m.group(1)).getAsString().equals(m.group(3));
    }
}
