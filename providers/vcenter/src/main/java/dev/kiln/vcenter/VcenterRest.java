package dev.kiln.vcenter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.CancelToken;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * vCenter's REST API over the JDK client: {@code /api} (vSphere 7.0 U2 and later), else {@code /rest} (6.5 to 8,
 * and vcsim). The two differ only in the path prefix, {@code id:} before ids, {@code ~action=} for actions,
 * request specs wrapped in a named field, and answers wrapped in {@code value}; {@link #call} hides that.
 * A 401 (the session expired during a long upload, govmomi#1832) logs in again once and repeats the call.
 */
final class VcenterRest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SESSION_HEADER = "vmware-api-session-id";

    enum Dialect { API, REST }

    private final VcenterConnection connection;
    private final Events events;
    private final CancelToken cancel;
    private Dialect dialect;
    private volatile String session;
    private final ThreadLocal<Boolean> cleaning = new ThreadLocal<>();
    private final java.time.Clock clock;
    private volatile java.time.Instant loggedIn;

    VcenterRest(VcenterConnection connection, Events events, CancelToken cancel) {
        this(connection, events, cancel, java.time.Clock.systemUTC());
    }

    VcenterRest(VcenterConnection connection, Events events, CancelToken cancel, java.time.Clock clock) {
        this.connection = connection;
        this.events = events;
        this.cancel = cancel;
        this.clock = clock;
    }

    /**
     * Logs in anew when the session is older than {@code maxAge}, before a call that must not meet an expired
     * one (an update session's complete after a long upload, govmomi#1832); the old session is ended.
     */
    synchronized void freshen(Duration maxAge) throws InterruptedException {
        java.time.Instant since = loggedIn;
        if (since == null || !clock.instant().isAfter(since.plus(maxAge))) {
            return;
        }
        events.debug("the vCenter session is " + dev.kiln.api.Poll.human(Duration.between(since, clock.instant()))
                + " old; logging in again");
        logout();
        login();
    }

    /** The command's clock: login age, keep-alive intervals. */
    java.time.Clock clock() {
        return clock;
    }

    Dialect dialect() {
        return dialect;
    }

    VcenterConnection connection() {
        return connection;
    }

    /** Logs in: {@code POST /api/session}, and on a 404 there {@code POST /rest/com/vmware/cis/session}. */
    synchronized void login() throws InterruptedException {
        String basic = "Basic " + Base64.getEncoder().encodeToString(
                (connection.username() + ":" + connection.password()).getBytes(StandardCharsets.UTF_8));
        if (dialect == null || dialect == Dialect.API) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(connection.base().resolve("/api/session"))
                    .header("Authorization", basic).POST(HttpRequest.BodyPublishers.noBody()), "log in");
            if (r.statusCode() == 201 || r.statusCode() == 200) {
                dialect = Dialect.API;
                session = parse(r.body(), "log in").asText();
                loggedIn = clock.instant();
                return;
            }
            if (r.statusCode() != 404 || dialect == Dialect.API) {
                throw VcenterErrors.status("log in to " + connection.base() + " as " + connection.username(), r);
            }
        }
        HttpResponse<String> r = send(HttpRequest.newBuilder(connection.base().resolve("/rest/com/vmware/cis/session"))
                .header("Authorization", basic).header("vmware-use-header-authn", "true")
                .POST(HttpRequest.BodyPublishers.noBody()), "log in");
        if (r.statusCode() != 200) {
            throw VcenterErrors.status("log in to " + connection.base() + " as " + connection.username(), r);
        }
        dialect = Dialect.REST;
        session = parse(r.body(), "log in").path("value").asText();
        loggedIn = clock.instant();
        events.debug("logged in to " + connection.base() + " over /rest (no /api on this server)");
    }

    /** Ends the session; failures are ignored (it expires on its own). */
    void logout() {
        if (session == null) {
            return;
        }
        String path = dialect == Dialect.API ? "/api/session" : "/rest/com/vmware/cis/session";
        try {
            connection.http().send(HttpRequest.newBuilder(connection.base().resolve(path)).header(SESSION_HEADER, session)
                    .timeout(Duration.ofSeconds(10)).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        session = null;
    }

    /** The path of a resource: {@code content/library/item}, an id or null, an action or null, query or null. */
    String path(String resource, String id, String action, String query) {
        StringBuilder p = new StringBuilder(dialect == Dialect.API ? "/api/" : "/rest/com/vmware/").append(resource);
        if (id != null) {
            p.append('/').append(dialect == Dialect.API ? "" : "id:").append(URLEncoder.encode(id, StandardCharsets.UTF_8));
        }
        String q = action == null ? "" : (dialect == Dialect.API ? "action=" : "~action=") + action;
        if (query != null) {
            q = q.isEmpty() ? query : q + "&" + query;
        }
        return q.isEmpty() ? p.toString() : p + "?" + q;
    }

    /**
     * One JSON call. {@code wrap} names the field /rest wants the spec in ({@code create_spec}, {@code spec}...);
     * the answer is unwrapped from /rest's {@code value}. A 404 answers null when {@code missingOk}.
     */
    JsonNode call(String what, String method, String resource, String id, String action, String wrap, JsonNode spec)
            throws InterruptedException {
        return exchange(what, method, path(resource, id, action, null), wrap, spec);
    }

    /** As {@link #call}, at a path {@link #path} made (with a query). */
    JsonNode exchange(String what, String method, String path, String wrap, JsonNode spec) throws InterruptedException {
        String body = null;
        if (spec != null) {
            JsonNode sent = spec;
            if (dialect == Dialect.REST && wrap != null) {
                ObjectNode o = JSON.createObjectNode();
                o.set(wrap, spec);
                sent = o;
            }
            body = sent.toString();
        }
        if (session == null) {
            login();
        }
        for (int attempt = 0; ; attempt++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(connection.base().resolve(path)).header(SESSION_HEADER, session)
                    .header("Accept", "application/json").timeout(Duration.ofMinutes(5));
            if (body != null) {
                b.header("Content-Type", "application/json");
            }
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> r = send(b, what);
            if (r.statusCode() == 401 && attempt == 0) {
                events.info("vCenter session expired during " + what + "; logging in again");
                login();
                continue;
            }
            if (r.statusCode() / 100 != 2) {
                throw VcenterErrors.status(what, r);
            }
            if (r.body() == null || r.body().isBlank()) {
                return JSON.missingNode();
            }
            JsonNode answer = parse(r.body(), what);
            return dialect == Dialect.REST && answer.has("value") ? answer.get("value") : answer;
        }
    }

    /**
     * PUTs {@code body} to an upload URI vCenter handed out, with the session (and its re-login on a 401). The URI
     * must be on the scheme, host and port kiln signed in to (a "*" host, as vSphere writes some, means that one,
     * as govmomi reads it): the session ID and the image go nowhere else.
     */
    void upload(String what, URI given, HttpRequest.BodyPublisher body) throws InterruptedException {
        URI uri = onVcenter(what, given);
        for (int attempt = 0; ; attempt++) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(uri).header(SESSION_HEADER, session)
                    .header("Content-Type", "application/octet-stream").PUT(body), what);
            if (r.statusCode() == 401 && attempt == 0) {
                login();
                continue;
            }
            if (r.statusCode() / 100 != 2) {
                throw VcenterErrors.status(what, r);
            }
            return;
        }
    }

    /** {@code uri} with a "*" host read as vCenter's; refused when it names another scheme, host or port. */
    URI onVcenter(String what, URI uri) {
        URI base = connection.base();
        String authority = uri.getRawAuthority();
        if (authority != null && (authority.equals("*") || authority.startsWith("*:"))) {
            uri = URI.create(base.getScheme() + "://" + base.getRawAuthority() + uri.getRawPath()
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        }
        boolean same = base.getScheme().equalsIgnoreCase(String.valueOf(uri.getScheme())) && uri.getHost() != null
                && uri.getHost().equalsIgnoreCase(base.getHost()) && port(uri) == port(base);
        if (!same) {
            throw KilnException.tried(what, "vCenter named an upload address on another host or scheme ("
                    + uri.getScheme() + "://" + authority + "), so it was refused: kiln sends the session and the"
                    + " image only to " + base, "pass --url with the name vCenter uses for itself (the host of its"
                    + " upload addresses), or check what answers at " + base);
        }
        return uri;
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    HttpResponse<byte[]> get(URI uri, String what) throws InterruptedException {
        try {
            cancel.throwIfCancelled();
            return connection.http().send(HttpRequest.newBuilder(onVcenter(what, uri)).header(SESSION_HEADER, session)
                    .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw VcenterErrors.io(what, connection, e);
        }
    }

    /** A call that must run even after Ctrl-C: undoing what was made. */
    interface Call {
        void run() throws InterruptedException;
    }

    /** A cleanup call that answers something (what it removed). */
    interface Answer<T> {
        T get() throws InterruptedException;
    }

    /** Runs {@code call} with Ctrl-C ignored (it is cleanup); the thread's interrupt flag is restored after. */
    void regardlessOfCancel(Call call) throws InterruptedException {
        regardlessOfCancelAnswering(() -> {
            call.run();
            return null;
        });
    }

    /** As {@link #regardlessOfCancel(Call)}, returning what {@code call} answers. */
    <T> T regardlessOfCancelAnswering(Answer<T> call) throws InterruptedException {
        boolean interrupted = Thread.interrupted();
        cleaning.set(Boolean.TRUE);
        try {
            return call.get();
        } finally {
            cleaning.remove();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    HttpResponse<String> send(HttpRequest.Builder request, String what) throws InterruptedException {
        if (cleaning.get() != null) {
            try {
                return connection.http().send(request.timeout(Duration.ofMinutes(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw VcenterErrors.io(what, connection, e);
            }
        }
        cancel.throwIfCancelled();
        try (CancelToken.Registration ignored = cancel.onCancel(Thread.currentThread()::interrupt)) {
            return connection.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            if (cancel.isCancelled()) {
                throw new InterruptedException("cancelled during " + what);
            }
            throw VcenterErrors.io(what, connection, e);
        }
    }

    private static JsonNode parse(String body, String what) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw dev.kiln.api.KilnException.tried(what, "vCenter answered with something that is not JSON: "
                    + body.substring(0, Math.min(200, body.length())), "check --url points at vCenter");
        }
    }
}
