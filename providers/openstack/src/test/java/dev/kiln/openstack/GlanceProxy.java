package dev.kiln.openstack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The catalog's image endpoint in the tests: streams every request on to the real Glance, logs the mutating ones,
 * and on request fails one with HTTP 403, runs an action when one arrives, alters one byte of an upload, or
 * answers 503 halfway through an upload.
 */
final class GlanceProxy implements AutoCloseable {

    private static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final Set<String> HOP = Set.of("host", "content-length", "connection", "transfer-encoding",
            "expect", "upgrade", "keep-alive");

    private final int target;
    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<String> log = new ArrayList<>();
    private final Map<Integer, Runnable> actions = new HashMap<>();
    private final Set<Integer> failures = new java.util.HashSet<>();
    private boolean flipNextUpload;
    private boolean breakNextUpload;
    private Object[] midway;
    /** Bytes of image data that passed through, for the streaming checks. */
    final AtomicLong uploaded = new AtomicLong();

    GlanceProxy(int target) throws IOException {
        this.target = target;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    synchronized List<String> mutations() {
        return List.copyOf(log);
    }

    synchronized void reset() {
        log.clear();
        actions.clear();
        failures.clear();
        flipNextUpload = false;
        breakNextUpload = false;
        midway = null;
    }

    synchronized void failMutation(int n) {
        failures.add(log.size() + n);
    }

    synchronized void onMutation(int n, Runnable action) {
        actions.put(log.size() + n, action);
    }

    /** Runs {@code action} once, on the proxy's thread, when {@code bytes} of upload data have passed through. */
    synchronized void whenUploaded(long bytes, Runnable action) {
        midway = new Object[] {uploaded.get() + bytes, action};
    }

    synchronized void flipOneByteOfNextUpload() {
        flipNextUpload = true;
    }

    synchronized void breakNextUploadHalfway() {
        breakNextUpload = true;
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getRawPath();
            boolean upload = method.equals("PUT") && (path.endsWith("/file") || path.endsWith("/stage"));
            Runnable action = null;
            boolean fail = false;
            boolean flip = false;
            boolean cut = false;
            if (MUTATING.contains(method)) {
                synchronized (this) {
                    log.add(method + " " + path.replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "{id}"));
                    action = actions.remove(log.size());
                    fail = failures.remove(log.size());
                    if (upload) {
                        flip = flipNextUpload;
                        cut = breakNextUpload;
                        flipNextUpload = false;
                        breakNextUpload = false;
                    }
                }
            }
            if (action != null) {
                action.run();
            }
            if (fail) {
                ex.getRequestBody().readAllBytes();
                answer(ex, 403, "{\"error\":{\"code\":403,\"title\":\"Forbidden\",\"message\":\"You are not "
                        + "authorized to complete " + method.toLowerCase() + " action.\"}}");
                return;
            }
            InputStream body = ex.getRequestBody();
            if (cut) {
                long length = Long.parseLong(ex.getRequestHeaders().getFirst("Content-Length"));
                body.readNBytes((int) Math.min(length / 2, Integer.MAX_VALUE));
                answer(ex, 503, "<html><body><h1>503 Service Unavailable</h1>No server is available to handle "
                        + "this request.</body></html>");
                return;
            }
            InputStream forwarded = upload ? counting(body, flip) : body;
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target
                    + ex.getRequestURI())).method(method, HttpRequest.BodyPublishers.ofInputStream(() -> forwarded));
            ex.getRequestHeaders().forEach((k, vs) -> {
                if (!HOP.contains(k.toLowerCase())) {
                    vs.forEach(v -> b.header(k, v));
                }
            });
            HttpResponse<InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            r.headers().map().forEach((k, vs) -> {
                if (!HOP.contains(k.toLowerCase()) && !k.startsWith(":")) {
                    vs.forEach(v -> ex.getResponseHeaders().add(k, v));
                }
            });
            byte[] bytes;
            try (InputStream in = r.body()) {
                bytes = in.readAllBytes();
            }
            ex.sendResponseHeaders(r.statusCode(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer(ex, 502, "{\"error\":{\"message\":\"proxy interrupted\"}}");
        } catch (IOException | RuntimeException e) {
            answer(ex, 502, "{\"error\":{\"message\":\"proxy: " + e + "\"}}");
        } finally {
            ex.close();
        }
    }

    private InputStream counting(InputStream in, boolean flip) {
        return new FilterInputStream(in) {
            private boolean flipped = !flip;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    long now = uploaded.addAndGet(n);
                    Runnable action = null;
                    synchronized (GlanceProxy.this) {
                        if (midway != null && now >= (long) midway[0]) {
                            action = (Runnable) midway[1];
                            midway = null;
                        }
                    }
                    if (action != null) {
                        action.run();
                    }
                    if (!flipped) {
                        b[off + n / 2] ^= 0x01;
                        flipped = true;
                    }
                }
                return n;
            }
        };
    }

    private static void answer(HttpExchange ex, int status, String body) {
        try {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", body.startsWith("{") ? "application/json" : "text/html");
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException ignored) {
            // the client went away
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
