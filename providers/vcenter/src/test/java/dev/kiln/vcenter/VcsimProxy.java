package dev.kiln.vcenter;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
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
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A pass-through in front of vcsim (plain or TLS) that logs mutating calls, can fail the n-th one, run a hook
 * once vcsim has acted on it but before the answer goes back, or answer a chosen call with a 401 once. vcsim's own address in answers (upload URLs) is
 * rewritten to the proxy's, so uploads pass through it too.
 */
final class VcsimProxy implements AutoCloseable {

    private static final Set<String> HOP = Set.of("connection", "content-length", "host", "transfer-encoding",
            "upgrade", "expect", "keep-alive");

    private final HttpServer server;
    private final URI target;
    private final URI base;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<String> mutations = Collections.synchronizedList(new ArrayList<>());
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final Map<Integer, Runnable> hooks = new HashMap<>();
    private final Map<Integer, Boolean> faults = new HashMap<>();
    private volatile Predicate<String> unauthorizedOnce;
    private volatile Predicate<String> failFirst;
    private volatile Predicate<String> notFound = c -> false;
    private volatile java.util.function.Consumer<String> listener = c -> { };
    private volatile Map.Entry<Predicate<String>, Runnable> before;
    private volatile int mutationCount;
    private final List<String> soapCalls = Collections.synchronizedList(new ArrayList<>());
    private volatile String refuseSoap;

    VcsimProxy(URI target, SSLContext tls) throws IOException {
        this.target = target;
        InetSocketAddress at = new InetSocketAddress("127.0.0.1", 0);
        if (tls != null) {
            HttpsServer https = HttpsServer.create(at, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        } else {
            server = HttpServer.create(at, 0);
        }
        server.createContext("/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        base = URI.create((tls != null ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort());
    }

    URI base() {
        return base;
    }

    List<String> mutations() {
        synchronized (mutations) {
            return List.copyOf(mutations);
        }
    }

    /** Every REST call so far as "METHOD path?query" and its JSON body on the next line (uploads left out). */
    List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** The SOAP methods called so far (CreateVM_Task, ReconfigVM_Task, ...), in order. */
    List<String> soapCalls() {
        synchronized (soapCalls) {
            return List.copyOf(soapCalls);
        }
    }

    /**
     * The next SOAP call of {@code method} is answered with the fault vCenter sends for a device spec it
     * refuses (HTTP 500, {@code InvalidDeviceSpec}), without reaching vcsim.
     */
    void refuseSoapOnce(String method) {
        refuseSoap = method;
    }

    synchronized void failMutation(int n) {
        faults.put(mutationCount + n, true);
    }

    synchronized void onMutation(int n, Runnable action) {
        hooks.put(mutationCount + n, action);
    }

    /** The first mutating call whose "METHOD path?query" matches fails with a 500, as {@link #failMutation} does. */
    void failFirst(Predicate<String> call) {
        failFirst = call;
    }

    /** Runs {@code action} just before the first call whose "METHOD path?query" matches is forwarded. */
    void beforeFirst(Predicate<String> call, Runnable action) {
        before = Map.entry(call, action);
    }

    /** Told every call's "METHOD path?query" as it arrives, before anything else happens to it. */
    void listen(java.util.function.Consumer<String> calls) {
        listener = calls;
    }

    /** Every call whose "METHOD path?query" matches is answered 404, as a vCenter without that service does. */
    void notFound(Predicate<String> calls) {
        notFound = calls;
    }

    /** The next call whose "METHOD path?query" matches is answered 401, as an expired session is. */
    void unauthorizedOnce(Predicate<String> call) {
        unauthorizedOnce = call;
    }

    static boolean mutating(String method, String pathAndQuery) {
        if (method.equals("GET") || method.equals("HEAD") || pathAndQuery.startsWith("/sdk")) {
            return false;
        }
        return !pathAndQuery.contains("/cis/session") && !pathAndQuery.startsWith("/api/session") && !pathAndQuery.contains("action=find")
                && !pathAndQuery.contains("action=list")
                && !pathAndQuery.contains("download-session") && !pathAndQuery.contains("downloadsession");
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String pq = ex.getRequestURI().getRawPath()
                    + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
            String call = method + " " + pq;
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (!pq.startsWith("/sdk") && !pq.startsWith("/folder") && !pq.startsWith("/rest/com/vmware/cis/data")) {
                requests.add(call + "\n" + new String(body, StandardCharsets.UTF_8));
            }
            listener.accept(call);
            if (pq.startsWith("/sdk")) {
                java.util.regex.Matcher soap = java.util.regex.Pattern.compile("<soapenv:Body><(\\w+)")
                        .matcher(new String(body, StandardCharsets.UTF_8));
                String soapMethod = soap.find() ? soap.group(1) : "";
                soapCalls.add(soapMethod);
                if (soapMethod.equals(refuseSoap)) {
                    refuseSoap = null;
                    byte[] fault = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv="
                            + "\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:xsi="
                            + "\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body><soapenv:Fault>"
                            + "<faultcode>ServerFaultCode</faultcode><faultstring>Invalid configuration for device"
                            + " &apos;0&apos;.</faultstring><detail><InvalidDeviceSpecFault xmlns=\"urn:vim25\""
                            + " xsi:type=\"InvalidDeviceSpec\"><property>virtualDeviceSpec.device.backing</property>"
                            + "<deviceIndex>0</deviceIndex></InvalidDeviceSpecFault></detail></soapenv:Fault>"
                            + "</soapenv:Body></soapenv:Envelope>").getBytes(StandardCharsets.UTF_8);
                    ex.getResponseHeaders().add("Content-Type", "text/xml; charset=utf-8");
                    ex.sendResponseHeaders(500, fault.length);
                    ex.getResponseBody().write(fault);
                    return;
                }
            }
            if (notFound.test(call)) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            Predicate<String> deny = unauthorizedOnce;
            if (deny != null && deny.test(call)) {
                unauthorizedOnce = null;
                ex.sendResponseHeaders(401, -1);
                return;
            }
            Runnable hook = null;
            if (mutating(method, pq)) {
                boolean fault;
                synchronized (this) {
                    int n = ++mutationCount;
                    mutations.add(call);
                    hook = hooks.remove(n);
                    fault = faults.remove(n) != null;
                    if (failFirst != null && failFirst.test(call)) {
                        failFirst = null;
                        fault = true;
                    }
                }
                if (fault) {
                    byte[] err = ("{\"type\":\"com.vmware.vapi.std.errors.service_unavailable\",\"value\":{\"messages\":"
                            + "[{\"id\":\"kiln.test\",\"default_message\":\"injected fault\"}]}}")
                            .getBytes(StandardCharsets.UTF_8);
                    ex.getResponseHeaders().add("Content-Type", "application/json");
                    ex.sendResponseHeaders(500, err.length);
                    ex.getResponseBody().write(err);
                    return;
                }
            }
            Map.Entry<Predicate<String>, Runnable> first = before;
            if (first != null && first.getKey().test(call)) {
                before = null;
                first.getValue().run();
            }
            HttpRequest.Builder fwd = HttpRequest.newBuilder(target.resolve(pq))
                    .method(method, body.length == 0 && !method.equals("PUT") && !method.equals("POST")
                            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            ex.getRequestHeaders().forEach((k, vs) -> {
                if (!HOP.contains(k.toLowerCase())) {
                    vs.forEach(v -> fwd.header(k, v));
                }
            });
            HttpResponse<byte[]> r;
            try {
                r = client.send(fwd.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ex.sendResponseHeaders(502, -1);
                return;
            }
            if (hook != null) {
                // after vCenter acted, before kiln hears of it: what a Ctrl-C mid-call looks like
                hook.run();
            }
            byte[] out = r.body();
            if (!pq.startsWith("/folder") && !pq.startsWith("/rest/com/vmware/cis/data")) {
                out = new String(out, StandardCharsets.UTF_8).replace(target.toString(), base.toString())
                        .getBytes(StandardCharsets.UTF_8);
            }
            r.headers().map().forEach((k, vs) -> {
                if (!HOP.contains(k.toLowerCase()) && !k.equals(":status")) {
                    vs.forEach(v -> ex.getResponseHeaders().add(k, v));
                }
            });
            ex.sendResponseHeaders(r.statusCode(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(out);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
