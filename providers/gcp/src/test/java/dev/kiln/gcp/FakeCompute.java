package dev.kiln.gcp;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compute's images API with state, for the TCK (cloud.google.com/compute/docs/reference/rest/v1/images):
 * list by label filter ({@code labels.KEY:*}, {@code labels.KEY = "V"}), get, insert (answered with a PENDING operation that is DONE when asked), delete,
 * global operations, and the OAuth token endpoint a service-account key points at. Each image remembers
 * the full content digest of the Cloud Storage object it was imported from, as kiln put it in the object's
 * metadata (the label holds only 32 hex digits). Instances and disks are {@link FakeZones}. Mutating calls go
 * through {@link Mutations}.
 */
final class FakeCompute implements AutoCloseable {

    private static final String IMAGES = "/compute/v1/projects/" + GcpFake.PROJECT + "/global/images";
    private static final String OPERATIONS = "/compute/v1/projects/" + GcpFake.PROJECT + "/global/operations/";
    private static final Pattern FILTER = Pattern.compile("(?:^|&)filter=([^&]*)");
    private static final Pattern SOURCE = Pattern.compile("https://storage\\.googleapis\\.com/([^/]+)/(.+)");

    /** An image as kept here: its resource and the content digest of what it was imported from. */
    record Stored(JsonObject image, String digest) {
    }

    final Map<String, Stored> images = new LinkedHashMap<>();
    /** Instances and disks, and the filter of every list call. */
    final FakeZones zones = new FakeZones();
    private final Mutations mutations;
    private final FakeGcsServer gcs;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(2);
    private final AtomicInteger ids = new AtomicInteger();

    FakeCompute(Mutations mutations, FakeGcsServer gcs) throws IOException {
        this.mutations = mutations;
        this.gcs = gcs;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getRawPath();
            String method = x.getRequestMethod();
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (path.equals("/token")) {
                send(x, 200, "{\"access_token\":\"ya29.c.kiln-tck-token\",\"expires_in\":3599,\"token_type\":\"Bearer\"}");
                return;
            }
            if (!method.equals("GET") && mutations.arrive(method + " " + path)) {
                send(x, 403, GcpFake.apiError(403, "forbidden", "Required 'compute.images.create' permission (injected)"));
                return;
            }
            synchronized (this) {
                route(x, method, path, body);
            }
        }
    }

    private void route(HttpExchange x, String method, String path, String body) throws IOException {
        Object[] zonal = zones.route(method, path, String.valueOf(x.getRequestURI().getRawQuery()));
        if (zonal != null) {
            send(x, (Integer) zonal[0], (String) zonal[1]);
        } else if (path.equals(IMAGES) && method.equals("GET")) {
            list(x);
        } else if (path.equals(IMAGES) && method.equals("POST")) {
            insert(x, JsonParser.parseString(body).getAsJsonObject());
        } else if (path.startsWith(IMAGES + "/") && method.equals("GET")) {
            Stored s = images.get(path.substring(IMAGES.length() + 1));
            send(x, s == null ? 404 : 200, s == null ? notFound(path) : s.image().toString());
        } else if (path.startsWith(IMAGES + "/") && method.equals("DELETE")) {
            String name = path.substring(IMAGES.length() + 1);
            if (images.remove(name) == null) {
                send(x, 404, notFound(path));
            } else {
                send(x, 200, GcpFake.operation("operation-" + ids.incrementAndGet(), "DONE", 100,
                        "global/images/" + name, "global"));
            }
        } else if (path.startsWith(OPERATIONS) && method.equals("GET")) {
            String name = path.substring(OPERATIONS.length());
            send(x, 200, GcpFake.operation(name, "DONE", 100, "global/images/unknown", "global"));
        } else {
            send(x, 404, notFound(path));
        }
    }

    private void list(HttpExchange x) throws IOException {
        String query = URLDecoder.decode(String.valueOf(x.getRequestURI().getRawQuery()), StandardCharsets.UTF_8);
        Matcher m = FILTER.matcher(query);
        String filter = m.find() ? m.group(1) : null;
        zones.filters.add(filter);
        StringBuilder items = new StringBuilder();
        for (Stored s : images.values()) {
            if (FakeZones.matches(filter, s.image().getAsJsonObject("labels"))) {
                items.append(items.isEmpty() ? "" : ",").append(s.image());
            }
        }
        send(x, 200, "{\"kind\":\"compute#imageList\",\"items\":[" + items + "]}");
    }

    private void insert(HttpExchange x, JsonObject image) throws IOException {
        String name = image.get("name").getAsString();
        if (images.containsKey(name)) {
            send(x, 409, GcpFake.apiError(409, "alreadyExists", "The resource '" + IMAGES + "/" + name
                    + "' already exists"));
            return;
        }
        int n = ids.incrementAndGet();
        image.addProperty("kind", "compute#image");
        image.addProperty("status", "READY");
        image.addProperty("creationTimestamp", String.format("2026-11-22T10:%02d:%02d.000-00:00", n / 60, n % 60));
        images.put(name, new Stored(image, digestOf(image)));
        send(x, 200, GcpFake.operation("operation-" + n, "PENDING", 0, "global/images/" + name, "global"));
    }

    /** The kiln-digest metadata of the object the image is imported from. */
    private String digestOf(JsonObject image) {
        Matcher m = SOURCE.matcher(image.getAsJsonObject("rawDisk").get("source").getAsString());
        JsonObject object = m.matches() ? gcs.objects.get(m.group(1) + "/" + m.group(2)) : null;
        return object == null ? "" : object.getAsJsonObject("metadata").get("kiln-digest").getAsString();
    }

    private static String notFound(String path) {
        return GcpFake.apiError(404, "notFound", "The resource '" + path + "' was not found");
    }

    private static void send(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
