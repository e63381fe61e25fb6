package dev.kiln.openstack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.SSLContext;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TLS-terminating front like the load balancer before a real cloud's endpoints: HTTPS on 127.0.0.1, every
 * request streamed on over plain HTTP to {@code target}, and the answers' URLs rewritten as asked (so Keystone's
 * catalog names the HTTPS fronts). It logs each request that got through the handshake, and whether it carried a
 * token or a password.
 */
final class TlsFront implements AutoCloseable {

    private static final Set<String> HOP = Set.of("host", "content-length", "connection", "transfer-encoding",
            "expect", "upgrade", "keep-alive");

    private final String target;
    private final HttpsServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<String> seen = new ArrayList<>();
    private final Map<String, String> rewrites = new LinkedHashMap<>();

    TlsFront(SSLContext tls, String target) throws IOException {
        this.target = target;
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    /** In the answers from now on, {@code from} becomes {@code to}. */
    synchronized void rewrite(String from, String to) {
        rewrites.put(from, to);
    }

    /** "METHOD path [token] [password]" of every request that got through the handshake. */
    synchronized List<String> seen() {
        return List.copyOf(seen);
    }

    synchronized void reset() {
        seen.clear();
        rewrites.clear();
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            byte[] small = null;
            String length = ex.getRequestHeaders().getFirst("Content-Length");
            String path = ex.getRequestURI().getRawPath().replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "{id}");
            if (path.endsWith("/auth/tokens")) {
                small = ex.getRequestBody().readAllBytes();
            }
            synchronized (this) {
                seen.add(ex.getRequestMethod() + " " + path
                        + (ex.getRequestHeaders().containsKey("X-Auth-Token") ? " [token]" : "")
                        + (small != null && new String(small, StandardCharsets.UTF_8).contains("\"password\"")
                        ? " [password]" : ""));
            }
            HttpRequest.BodyPublisher body;
            if (small != null) {
                body = HttpRequest.BodyPublishers.ofByteArray(small);
            } else if (length != null && Long.parseLong(length) > 0) {
                InputStream in = ex.getRequestBody();
                body = HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> in),
                        Long.parseLong(length));
            } else {
                body = HttpRequest.BodyPublishers.noBody();
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target + ex.getRequestURI()))
                    .method(ex.getRequestMethod(), body);
            ex.getRequestHeaders().forEach((k, vs) -> {
                if (!HOP.contains(k.toLowerCase())) {
                    vs.forEach(v -> b.header(k, v));
                }
            });
            // a client per request: keystone-wsgi-public closes each connection after its answer
            HttpResponse<byte[]> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            r.headers().map().forEach((k, vs) -> {
                if (!HOP.contains(k.toLowerCase()) && !k.startsWith(":")) {
                    vs.forEach(v -> ex.getResponseHeaders().add(k, v));
                }
            });
            byte[] bytes = r.body();
            String text = new String(bytes, StandardCharsets.UTF_8);
            synchronized (this) {
                for (Map.Entry<String, String> e : rewrites.entrySet()) {
                    text = text.replace(e.getKey(), e.getValue());
                }
            }
            bytes = text.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(r.statusCode(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(ex, e);
        } catch (IOException | RuntimeException e) {
            fail(ex, e);
        } finally {
            ex.close();
        }
    }

    private static void fail(HttpExchange ex, Exception e) throws IOException {
        byte[] body = ("{\"error\":{\"message\":\"TLS front: " + e.toString().replace('"', '\'') + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(502, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
