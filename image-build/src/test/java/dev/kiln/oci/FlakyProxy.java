package dev.kiln.oci;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A registry in front of the real one that answers 503 to the first N requests, then forwards. */
final class FlakyProxy implements AutoCloseable {

    private static final List<String> FORWARDED = List.of("Content-Type", "Docker-Content-Digest", "Location",
            "WWW-Authenticate", "Docker-Distribution-Api-Version");

    private final HttpServer server;
    private final AtomicInteger toFail;
    private final AtomicInteger failed = new AtomicInteger();
    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final int target;

    private FlakyProxy(int target, int failures) throws IOException {
        this.target = target;
        this.toFail = new AtomicInteger(failures);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    static FlakyProxy start(int targetPort, int failures) throws IOException {
        return new FlakyProxy(targetPort, failures);
    }

    int port() {
        return server.getAddress().getPort();
    }

    int failed() {
        return failed.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (toFail.getAndDecrement() > 0) {
                failed.incrementAndGet();
                ex.sendResponseHeaders(503, -1);
                return;
            }
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target + ex.getRequestURI()))
                    .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.noBody());
            for (String h : List.of("Accept", "Authorization")) {
                String v = ex.getRequestHeaders().getFirst(h);
                if (v != null) {
                    req.header(h, v);
                }
            }
            HttpResponse<InputStream> resp = client.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            for (String h : FORWARDED) {
                resp.headers().firstValue(h).ifPresent(v -> ex.getResponseHeaders().add(h, v));
            }
            long length = resp.headers().firstValueAsLong("Content-Length").orElse(0);
            ex.sendResponseHeaders(resp.statusCode(), length == 0 ? -1 : length);
            try (InputStream in = resp.body(); OutputStream out = ex.getResponseBody()) {
                in.transferTo(out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
