package dev.kiln.azure;

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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.function.LongConsumer;

/**
 * A recording proxy in front of Azurite, which enforces neither the 4 MiB Put Page limit nor the no-MD5 rule of
 * managed-disk uploads: it records every Put Page (range, bytes, Content-MD5), answers a rule breach with 400 as
 * Azure would, and plays faults (a reset, a 503/500) on chosen pages.
 */
final class PageProxy implements AutoCloseable {

    record PutPage(long start, long end, long bytes, boolean md5) {
    }

    /** Any request that reached the proxy: method, path, query, and its If-None-Match and Authorization scheme. */
    record Call(String method, String path, String query, String ifNoneMatch, String authScheme) {
    }

    /** What to do instead of forwarding: an HTTP status, or 0 for a reset connection. */
    private final Map<Long, Deque<Integer>> faults = new ConcurrentHashMap<>();
    private final List<PutPage> pages = Collections.synchronizedList(new ArrayList<>());
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    /** A storage account's blob endpoint takes its shared key; a disk's write SAS takes no Authorization at all. */
    private final boolean sharedKey;
    private volatile java.util.function.Consumer<String> onDelete = path -> { };
    private final HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final int upstream;
    private volatile LongConsumer onPage = start -> { };

    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade",
            "transfer-encoding", "keep-alive");

    PageProxy(int upstreamPort) throws IOException {
        this(upstreamPort, false);
    }

    /** In front of a storage account's blob endpoint, where requests carry the account's SharedKey signature. */
    static PageProxy sharedKey(int upstreamPort) throws IOException {
        return new PageProxy(upstreamPort, true);
    }

    private PageProxy(int upstreamPort, boolean sharedKey) throws IOException {
        this.upstream = upstreamPort;
        this.sharedKey = sharedKey;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "page-proxy");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The next answers to a Put Page starting at {@code start}: HTTP statuses, 0 = the connection drops mid-answer. */
    void fault(long start, Integer... answers) {
        faults.computeIfAbsent(start, k -> new ArrayDeque<>()).addAll(List.of(answers));
    }

    /** Called with each Put Page's start offset before it is forwarded. */
    void onPage(LongConsumer hook) {
        onPage = hook;
    }

    /** Called with the path of each DELETE before it is forwarded (to read a blob just before it goes). */
    void onDelete(java.util.function.Consumer<String> hook) {
        onDelete = hook;
    }

    /** Forgets the pages and calls recorded so far. */
    void clear() {
        pages.clear();
        calls.clear();
    }

    List<Call> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    List<PutPage> pages() {
        synchronized (pages) {
            return List.copyOf(pages);
        }
    }

    List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            String query = ex.getRequestURI().getRawQuery();
            String auth = first(ex, "Authorization", "");
            calls.add(new Call(ex.getRequestMethod(), ex.getRequestURI().getRawPath(), query == null ? "" : query,
                    first(ex, "If-None-Match", null), auth.isEmpty() ? "" : auth.split(" ", 2)[0]));
            if ("DELETE".equals(ex.getRequestMethod())) {
                onDelete.accept(ex.getRequestURI().getRawPath());
            }
            boolean putPage = "PUT".equals(ex.getRequestMethod()) && query != null && query.contains("comp=page");
            if (putPage) {
                String range = first(ex, "x-ms-range", first(ex, "Range", ""));
                String[] se = range.replace("bytes=", "").split("-");
                long start = Long.parseLong(se[0]);
                long end = Long.parseLong(se[1]);
                boolean md5 = ex.getRequestHeaders().containsKey("Content-MD5")
                        || ex.getRequestHeaders().containsKey("x-ms-content-crc64");
                String breach = null;
                if (end - start + 1 > 4 << 20) {
                    breach = "Put Page of " + (end - start + 1) + " bytes at " + start + " exceeds 4 MiB";
                } else if (start % 512 != 0 || (end + 1) % 512 != 0) {
                    breach = "Put Page " + range + " is not 512-aligned";
                } else if (md5) {
                    breach = "Put Page " + range + " carries a content hash (managed-disk uploads refuse it)";
                } else if (!auth.isEmpty() && !(sharedKey && auth.startsWith("SharedKey "))) {
                    // the SAS in the URL (or the account's shared key) is the only credential; an ARM token must
                    // never reach a storage host
                    breach = "Put Page " + range + " carries an Authorization header " + auth.split(" ", 2)[0];
                }
                if (breach != null) {
                    violations.add(breach);
                    send(ex, 400, breach.getBytes());
                    return;
                }
                onPage.accept(start);
                Deque<Integer> planned = faults.get(start);
                Integer fault = planned == null ? null : planned.poll();
                if (fault != null) {
                    if (fault == 0) {
                        // the connection drops mid-answer: headers promise a body that never comes
                        ex.sendResponseHeaders(201, 4096);
                        ex.getResponseBody().flush();
                        ex.getHttpContext().getServer();
                        throw new IOException("injected connection drop");
                    }
                    send(ex, fault, ("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>ServerBusy</Code>"
                            + "<Message>injected</Message></Error>").getBytes());
                    return;
                }
                pages.add(new PutPage(start, end, body.length, md5));
            }
            HttpRequest.Builder fwd = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + upstream
                            + ex.getRequestURI().getRawPath() + (query == null ? "" : "?" + query)))
                    .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            ex.getRequestHeaders().forEach((k, vs) -> {
                if (!RESTRICTED.contains(k.toLowerCase())) {
                    vs.forEach(v -> fwd.header(k, v));
                }
            });
            HttpResponse<byte[]> answer = client.send(fwd.build(), HttpResponse.BodyHandlers.ofByteArray());
            answer.headers().map().forEach((k, vs) -> {
                if (!RESTRICTED.contains(k.toLowerCase()) && !k.startsWith(":")) {
                    ex.getResponseHeaders().put(k, vs);
                }
            });
            if ("HEAD".equals(ex.getRequestMethod())) {
                // a HEAD answer has no body, but its Content-Length (the blob's size) is what the client reads
                answer.headers().firstValue("Content-Length").ifPresent(v -> ex.getResponseHeaders().set("Content-Length", v));
            }
            send(ex, answer.statusCode(), answer.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String first(HttpExchange ex, String header, String otherwise) {
        String v = ex.getRequestHeaders().getFirst(header);
        return v == null ? otherwise : v;
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
