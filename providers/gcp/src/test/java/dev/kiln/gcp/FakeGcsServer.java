package dev.kiln.gcp;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.SSLContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * Cloud Storage's JSON API resumable upload protocol on the JDK's HTTP server
 * (cloud.google.com/storage/docs/performing-resumable-uploads): POST starts a session and
 * answers with its Location; PUTs with Content-Range append at the committed offset and get
 * 308 with {@code Range: bytes=0-N} until the last one, which gets the object resource; a PUT
 * of {@code bytes *}{@code /N} asks what was committed; DELETE of the session URI cancels it
 * (499). A PUT without Content-Range is a whole upload in one request (what {@code curl -T} sends).
 * Faults are injected into one data PUT: answer 503, drop the connection, answer 308 having kept
 * less, or hold the request until the test releases it.
 *
 * <p>Not WireMock: WireMock gunzips every request body that starts with the gzip magic
 * (wiremock/wiremock#547), so the first chunk of a tar.gz could never reach it intact.
 * With {@code keep} false it only counts and hashes, for the upload benchmark.
 */
final class FakeGcsServer implements AutoCloseable {

    private static final Pattern RANGE = Pattern.compile("bytes (\\*|(\\d+)-(\\d+))/(\\*|\\d+)");
    private static final Pattern OBJECT = Pattern.compile("/storage/v1/b/([^/]+)/o/([^?]+)");

    private static final class Session {
        final String bucket;
        final String name;
        final JsonObject metadata;
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        final CRC32C crc = new CRC32C();
        final MessageDigest md5 = md5();
        long committed;
        boolean finished;
        volatile boolean cancelled;

        Session(String bucket, String name, JsonObject metadata) {
            this.bucket = bucket;
            this.name = name;
            this.metadata = metadata;
        }
    }

    final Set<String> buckets = ConcurrentHashMap.newKeySet();
    final Map<String, JsonObject> objects = new ConcurrentHashMap<>();
    /** Bytes of every object completed, by object name, even after it was deleted. */
    final Map<String, byte[]> completed = new ConcurrentHashMap<>();
    /** "METHOD path Content-Range" of every request, in order. */
    final List<String> requests = new CopyOnWriteArrayList<>();
    /** The headers of every request (lower-case names, first values), in order. */
    final List<Map<String, String>> headers = new CopyOnWriteArrayList<>();
    /** Ids of the sessions cancelled with DELETE. */
    final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    /** Counts down when a held PUT has kept its bytes; the test then acts and counts down {@link #release}. */
    final CountDownLatch held = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    /** What the faulty PUT does once it has kept its bytes. */
    enum Fault { UNAVAILABLE, RESET, SHORT_308, HOLD }

    private final boolean keep;
    private final boolean md5;
    private final String scheme;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger dataPuts = new AtomicInteger();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile int faultOnPut = -1;
    private volatile int faultCommits;
    private volatile Fault fault;
    private volatile boolean corrupt;
    private volatile String sessionBase;
    /** When set, every call but a GET is logged there and may be failed with 403 (the TCK's stand-in). */
    volatile Mutations mutations;

    FakeGcsServer(boolean keep) throws IOException {
        this(keep, true);
    }

    /**
     * With {@code md5} false objects get no md5Hash (as GCS answers for composite objects) and the
     * server spends far less CPU per byte, which on a small machine otherwise slows any client.
     */
    FakeGcsServer(boolean keep, boolean md5) throws IOException {
        this(keep, md5, null);
    }

    /** With {@code tls} the server speaks https (as storage.googleapis.com does), named localhost. */
    FakeGcsServer(boolean keep, boolean md5, SSLContext tls) throws IOException {
        this.keep = keep;
        this.md5 = md5;
        this.scheme = tls == null ? "http://127.0.0.1:" : "https://localhost:";
        if (tls == null) {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } else {
            HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        }
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    String endpoint() {
        return scheme + server.getAddress().getPort();
    }

    /** The {@code nth} PUT that carries data keeps only {@code commit} bytes of it and answers 503. */
    void failPutOnce(int nth, int commit) {
        failPutOnce(nth, commit, Fault.UNAVAILABLE);
    }

    /** The {@code nth} PUT that carries data keeps only {@code commit} bytes of it, then does {@code what}. */
    void failPutOnce(int nth, int commit, Fault what) {
        fault = what;
        faultCommits = commit;
        faultOnPut = nth;
    }

    /** Upload sessions' Location names {@code base} (another server) instead of this one. */
    void sessionsAt(String base) {
        sessionBase = base;
    }

    /** The next session stores its first byte flipped, as a broken proxy might. */
    void corruptNextUpload() {
        corrupt = true;
    }

    /** Ids of the sessions opened and neither finished nor cancelled. */
    Set<String> openSessionIds() {
        return sessions.entrySet().stream().filter(e -> !e.getValue().finished).map(Map.Entry::getKey)
                .collect(java.util.stream.Collectors.toSet());
    }

    /** Sessions opened and neither finished nor cancelled. */
    long openSessions() {
        return sessions.values().stream().filter(s -> !s.finished).count();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getRawPath();
            String method = x.getRequestMethod();
            requests.add(method + " " + path + " " + header(x, "Content-Range"));
            headers.add(x.getRequestHeaders().entrySet().stream().collect(java.util.stream.Collectors.toMap(
                    e -> e.getKey().toLowerCase(java.util.Locale.ROOT), e -> e.getValue().get(0), (a, b) -> a)));
            if (mutations != null && !method.equals("GET")
                    && mutations.arrive(method + " " + path + " " + header(x, "Content-Range"))) {
                x.getRequestBody().readAllBytes();
                error(x, 403, "forbidden", "kiln-test does not have storage.objects.create access (injected)");
                return;
            }
            if (path.startsWith("/upload/storage/v1/b/") && method.equals("POST")) {
                start(x, path.split("/")[5]);
            } else if (path.startsWith("/upload/storage/v1/b/") && method.equals("PUT")) {
                put(x);
            } else if (path.startsWith("/upload/storage/v1/b/") && method.equals("DELETE")) {
                cancel(x);
            } else {
                object(x, path, method);
            }
        }
    }

    private void start(HttpExchange x, String bucket) throws IOException {
        JsonObject metadata = JsonParser.parseString(new String(x.getRequestBody().readAllBytes(),
                StandardCharsets.UTF_8)).getAsJsonObject();
        if (!buckets.contains(bucket)) {
            error(x, 404, "notFound", "The specified bucket does not exist.");
            return;
        }
        String name = metadata.get("name").getAsString();
        String query = x.getRequestURI().getRawQuery();
        if (query != null && query.contains("ifGenerationMatch=0") && objects.containsKey(bucket + "/" + name)) {
            error(x, 412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.");
            return;
        }
        String id = "ADPycdu" + ids.incrementAndGet();
        sessions.put(id, new Session(bucket, name, metadata));
        x.getResponseHeaders().add("Location", (sessionBase != null ? sessionBase : endpoint()) + "/upload/storage/v1/b/" + bucket
                + "/o?uploadType=resumable&upload_id=" + id);
        x.getResponseHeaders().add("X-GUploader-UploadID", id);
        x.sendResponseHeaders(200, -1);
    }

    private static String uploadId(HttpExchange x) {
        String query = x.getRequestURI().getRawQuery();
        return query.substring(query.indexOf("upload_id=") + 10);
    }

    /** GCS answers a cancelled session with 499 (cloud.google.com/storage/docs/performing-resumable-uploads). */
    private void cancel(HttpExchange x) throws IOException {
        String id = uploadId(x);
        Session s = sessions.remove(id);
        if (s == null) {
            error(x, 404, "notFound", "No such upload session");
            return;
        }
        s.cancelled = true;
        cancelled.add(id);
        x.sendResponseHeaders(499, -1);
    }

    private void put(HttpExchange x) throws IOException {
        Session s = sessions.get(uploadId(x));
        if (s == null) {
            error(x, 404, "notFound", "No such upload session");
            return;
        }
        String range = header(x, "Content-Range");
        Matcher m = RANGE.matcher(range.isEmpty() ? "bytes 0-0/" + length(x) : range);
        if (!m.matches()) {
            error(x, 400, "invalid", "Bad Content-Range: " + range);
            return;
        }
        synchronized (s) {
            if (m.group(2) != null && !append(x, s, Long.parseLong(m.group(2)))) {
                return;
            }
            String total = m.group(4);
            if (s.cancelled) {
                error(x, 404, "notFound", "No such upload session");
                return;
            }
            if (!total.equals("*") && Long.parseLong(total) == s.committed) {
                json(x, 200, finish(s));
                return;
            }
            committed(x, s);
        }
    }

    /** 308 with the committed range; no Range header when nothing is committed. */
    private static void committed(HttpExchange x, Session s) throws IOException {
        if (s.committed > 0) {
            x.getResponseHeaders().add("Range", "bytes=0-" + (s.committed - 1));
        }
        x.sendResponseHeaders(308, -1);
    }

    /** Appends the body at the committed offset; false when the answer was given (or the connection dropped). */
    private boolean append(HttpExchange x, Session s, long first) throws IOException {
        if (first != s.committed) {
            x.getRequestBody().readAllBytes();
            error(x, 400, "invalid", "Chunk starts at " + first + " but " + s.committed + " bytes are committed");
            return false;
        }
        boolean faulty = dataPuts.incrementAndGet() == faultOnPut;
        long limit = faulty ? faultCommits : Long.MAX_VALUE;
        byte[] buf = new byte[1 << 20];
        InputStream in = x.getRequestBody();
        for (int n; limit > 0 && (n = in.read(buf)) > 0; ) {
            int keepBytes = (int) Math.min(n, limit);
            limit -= keepBytes;
            if (corrupt && s.committed == 0) {
                buf[0] ^= 1;
                corrupt = false;
            }
            if (keep) {
                s.data.write(buf, 0, keepBytes);
            }
            s.crc.update(buf, 0, keepBytes);
            if (md5) {
                s.md5.update(buf, 0, keepBytes);
            }
            s.committed += keepBytes;
        }
        return !faulty || misbehave(x, s);
    }

    /** The injected fault; false, as the request got its answer (or none: RESET and HOLD drop the connection). */
    private boolean misbehave(HttpExchange x, Session s) throws IOException {
        switch (fault) {
            case UNAVAILABLE -> {
                x.getRequestBody().readAllBytes();
                error(x, 503, "backendError", "Backend Error");
            }
            case SHORT_308 -> {
                x.getRequestBody().readAllBytes();
                committed(x, s);
            }
            case HOLD -> {
                held.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            case RESET -> {
                // closing the exchange before any answer closes the socket with the rest unread
            }
        }
        return false;
    }

    private JsonObject finish(Session s) {
        JsonObject o = new JsonObject();
        o.addProperty("kind", "storage#object");
        o.addProperty("id", s.bucket + "/" + s.name + "/1763805600000000");
        o.addProperty("selfLink", endpoint() + "/storage/v1/b/" + s.bucket + "/o/" + s.name);
        o.addProperty("name", s.name);
        o.addProperty("bucket", s.bucket);
        o.addProperty("generation", "1763805600000000");
        o.addProperty("metageneration", "1");
        o.addProperty("contentType", s.metadata.has("contentType") ? s.metadata.get("contentType").getAsString()
                : "application/octet-stream");
        o.addProperty("storageClass", "STANDARD");
        o.addProperty("size", String.valueOf(s.committed));
        if (md5) {
            o.addProperty("md5Hash", Base64.getEncoder().encodeToString(s.md5.digest()));
        }
        long crc = s.crc.getValue();
        // big-endian, base64, as the JSON API gives it (written out here: the stand-in uses none of the provider's code)
        o.addProperty("crc32c", Base64.getEncoder().encodeToString(new byte[] {(byte) (crc >>> 24), (byte) (crc >>> 16),
                (byte) (crc >>> 8), (byte) crc}));
        o.addProperty("etag", "CKih16GjycICEAE=");
        o.addProperty("timeCreated", "2026-11-22T10:00:00.000Z");
        o.addProperty("updated", "2026-11-22T10:00:00.000Z");
        if (s.metadata.has("metadata")) {
            o.add("metadata", s.metadata.get("metadata"));
        }
        s.finished = true;
        objects.put(s.bucket + "/" + s.name, o);
        if (keep) {
            completed.put(s.name, s.data.toByteArray());
        }
        return o;
    }

    private void object(HttpExchange x, String path, String method) throws IOException {
        Matcher m = OBJECT.matcher(path);
        if (!m.matches()) {
            error(x, 404, "notFound", "Not Found");
            return;
        }
        String key = m.group(1) + "/" + URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
        JsonObject object = objects.get(key);
        if (object == null) {
            error(x, 404, "notFound", "No such object: " + key);
        } else if (method.equals("DELETE")) {
            objects.remove(key);
            x.sendResponseHeaders(204, -1);
        } else {
            json(x, 200, object);
        }
    }

    private static long length(HttpExchange x) {
        String v = header(x, "Content-Length");
        return v.isEmpty() ? 0 : Long.parseLong(v);
    }

    private static String header(HttpExchange x, String name) {
        String v = x.getRequestHeaders().getFirst(name);
        return v == null ? "" : v;
    }

    private static void json(HttpExchange x, int status, JsonObject body) throws IOException {
        send(x, status, body.toString());
    }

    /** Error bodies as the JSON API documents them (cloud.google.com/storage/docs/json_api/v1/status-codes). */
    private static void error(HttpExchange x, int code, String reason, String message) throws IOException {
        send(x, code, "{\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\",\"errors\":[{\"message\":\""
                + message + "\",\"domain\":\"global\",\"reason\":\"" + reason + "\"}]}}");
    }

    private static void send(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
