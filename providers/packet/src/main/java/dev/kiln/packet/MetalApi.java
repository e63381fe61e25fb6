package dev.kiln.packet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.KilnException;
import dev.kiln.api.Retry;
import dev.kiln.spi.ProviderContext;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;

/**
 * The six calls of the Packet/Metal v1 API kiln makes (https://deploy.equinix.com/developers/api/metal/):
 * create a device, list a project's devices, get one, update it, act on it (reboot, reinstall), delete it. Token
 * in {@code X-Auth-Token};
 * 5xx, 429 (with Retry-After), connection failures and answers slower than the request timeout are retried by
 * kiln's one retry policy; other statuses become {@link MetalException} carrying the API's {@code errors}. A
 * create is not sent again after it was sent and no answer came (a timeout, a reset): the API may have made the
 * device, and a second one would be billed and never cleaned up.
 */
final class MetalApi {

    static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String token;
    private final HttpClient http;
    private final Duration timeout;
    private final Retry retry;
    /** For create: only failures where the request surely made nothing (refused connection, an error status). */
    private final Retry creates;
    /** Deletes run after Ctrl-C too (they are the cleanup), so they ignore the command's cancel token. */
    private final Retry deletes;

    MetalApi(ProviderContext ctx, URI base, String token, Duration timeout) {
        this.base = base;
        this.token = token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        this.retry = ctx.retry().classifier(MetalApi::classify).build();
        this.creates = retry.toBuilder().classifier(e -> e instanceof IOException && !(e instanceof ConnectException
                || e instanceof java.net.http.HttpConnectTimeoutException) ? Retry.Decision.fail() : classify(e)).build();
        this.deletes = ctx.cleanupRetry(retry);
    }

    /** An API answer that is an error; the message is the API's own words, never the token. */
    static final class MetalException extends RuntimeException {
        final int status;
        final Optional<Duration> retryAfter;

        MetalException(int status, String message, Optional<Duration> retryAfter) {
            super(message);
            this.status = status;
            this.retryAfter = retryAfter;
        }
    }

    private static Retry.Decision classify(Exception e) {
        if (e instanceof MetalException m && (m.status >= 500 || m.status == 429)) {
            return Retry.Decision.againAfter("the API answered " + m.status, m.retryAfter);
        }
        if (e instanceof IOException) {
            return Retry.Decision.again(e.getClass().getSimpleName());
        }
        return Retry.Decision.fail();
    }

    JsonNode createDevice(String project, ObjectNode body) throws InterruptedException {
        return call("create a device in project " + project, "POST", "/projects/" + project + "/devices", body,
                creates, "the API may have created it all the same: look for hostname " + body.path("hostname")
                        .asText() + " in project " + project + " and delete it before running again");
    }

    JsonNode device(String id) throws InterruptedException {
        return call("get device " + id, "GET", "/devices/" + id, null);
    }

    /**
     * One page of a project's devices (findProjectDevices: {@code {"devices": [...], "meta": {"last_page": N}}}).
     * https://deploy.equinix.com/developers/api/metal/#tag/Devices/operation/findProjectDevices
     */
    JsonNode projectDevices(String project, int page, int perPage) throws InterruptedException {
        return call("list the devices of project " + project, "GET", "/projects/" + project + "/devices?page=" + page
                + "&per_page=" + perPage, null);
    }

    JsonNode updateDevice(String id, ObjectNode body) throws InterruptedException {
        return call("update device " + id, "PUT", "/devices/" + id, body);
    }

    void action(String id, String type) throws InterruptedException {
        call(type + " device " + id, "POST", "/devices/" + id + "/actions", JSON.createObjectNode().put("type", type));
    }

    /** Absent is fine: the device is gone either way. */
    void deleteDevice(String id) throws InterruptedException {
        try {
            call("delete device " + id, "DELETE", "/devices/" + id, null, deletes, NETWORK);
        } catch (MetalException e) {
            if (e.status != 404) {
                throw e;
            }
        }
    }

    private static final String NETWORK = "check --api-url and the network (--api-timeout for a slow endpoint)";

    private JsonNode call(String what, String method, String path, ObjectNode body) throws InterruptedException {
        return call(what, method, path, body, retry, NETWORK);
    }

    private JsonNode call(String what, String method, String path, ObjectNode body, Retry policy, String remedy)
            throws InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/+$", "") + path))
                .timeout(timeout).header("X-Auth-Token", token).header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (body != null) {
            req.header("Content-Type", "application/json");
        }
        HttpRequest request = req.build();
        try {
            return policy.call(what, () -> send(request));
        } catch (IOException e) {
            String why = e instanceof HttpTimeoutException ? "no answer came within " + timeout.toMillis() + " ms"
                    : e.getClass().getSimpleName() + " " + e.getMessage();
            throw KilnException.tried(what + " at " + base, why, remedy, e);
        }
    }

    private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new MetalException(r.statusCode(), errors(r.body()), r.headers().firstValue("Retry-After")
                    .flatMap(v -> Retry.retryAfter(v, java.time.Clock.systemUTC())));
        }
        return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    /** The API's {@code {"errors": ["..."]}}, or the body's first line. */
    private static String errors(String body) {
        try {
            JsonNode errors = JSON.readTree(body).path("errors");
            if (errors.isArray() && !errors.isEmpty()) {
                StringBuilder s = new StringBuilder();
                errors.forEach(e -> s.append(s.length() == 0 ? "" : "; ").append(e.asText()));
                return s.toString();
            }
        } catch (IOException ignored) {
            // not JSON: fall through to the raw text
        }
        String line = body.lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
