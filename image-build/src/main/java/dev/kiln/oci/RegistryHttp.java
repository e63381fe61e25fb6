package dev.kiln.oci;

import dev.kiln.api.Events;
import dev.kiln.api.Sleeper;
import dev.kiln.api.KilnException;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * GET requests to registry API routes, with the credentials dance, redirects and retries done
 * once here. Redirects are followed by hand so that a registry's token never travels to the
 * storage host a blob redirect points at. Each read waits at most the idle timeout and each
 * request ends at its deadline ({@link RegistryOptions.Timeouts}).
 */
final class RegistryHttp implements AutoCloseable {

    private static final int MAX_REDIRECTS = 5;

    /** Reads a 200 (or 206, for a range) answer; the body is closed afterwards. */
    @FunctionalInterface
    interface Reader<T> {
        T read(Transport.Response response) throws IOException;
    }

    private final Transport transport;
    private final RegistryAuth auth;
    private final Retry retry;
    private final RegistryOptions.Timeouts timeouts;
    private final Map<String, String> authorizations = new ConcurrentHashMap<>();

    RegistryHttp(RegistryOptions options, Events events) {
        this(options, events, Clock.systemUTC(), pause -> Thread.sleep(pause.toMillis()));
    }

    RegistryHttp(RegistryOptions options, Events events, Clock clock, Sleeper sleeper) {
        this.timeouts = options.timeouts();
        this.transport = new Transport(options.certFiles(), options.insecure(), timeouts.idle(), events);
        this.auth = new RegistryAuth(transport, DockerConfig.load(options.env()), timeouts.deadline());
        this.retry = new Retry(options.attempts(), options.backoff(), events, clock, sleeper);
    }

    /**
     * GETs {@code /v2/<repository>/<path>} and hands a 200 answer to {@code reader}; empty on 404.
     * The whole exchange, body included, is retried on transient failures.
     */
    <T> Optional<T> get(Endpoint endpoint, String repository, String path, String accept, Reader<T> reader)
            throws IOException {
        return get(endpoint, repository, path, accept, Map::of, 0, reader);
    }

    /**
     * As {@link #get(Endpoint, String, String, String, Reader)}, adding {@code extra} headers, asked
     * for again on every try (a {@code Range} that follows what arrived), with a deadline that allows
     * for {@code bodyBytes}; a 206 answer goes to {@code reader} too.
     */
    <T> Optional<T> get(Endpoint endpoint, String repository, String path, String accept,
                        Supplier<Map<String, String>> extra, long bodyBytes, Reader<T> reader) throws IOException {
        URI uri = endpoint.uri(repository, path);
        Duration deadline = timeouts.deadlineFor(bodyBytes);
        return retry.run("GET " + uri, () -> {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Accept", accept);
            headers.put("User-Agent", "kiln");
            headers.putAll(extra.get());
            try (Transport.Response resp = send(endpoint, repository, uri, headers, deadline)) {
                return switch (resp.status()) {
                    case 200, 206 -> Optional.of(read(reader, resp));
                    case 404 -> Optional.empty();
                    default -> throw status(resp, endpoint, repository, uri);
                };
            }
        });
    }

    /** A body that fails part-way leaves its connection in an unknown state: close it rather than pool it. */
    private static <T> T read(Reader<T> reader, Transport.Response resp) throws IOException {
        try {
            return reader.read(resp);
        } catch (IOException | RuntimeException e) {
            resp.discard();
            throw e;
        }
    }

    private Transport.Response send(Endpoint endpoint, String repository, URI uri, Map<String, String> headers,
                                    Duration deadline) throws IOException, InterruptedException {
        String key = endpoint.base() + " " + repository;
        Transport.Response resp = follow(uri, headers, authorizations.get(key), deadline);
        if (resp.status() == 401) {
            Optional<Challenge> challenge = Challenge.parse(resp.headers("WWW-Authenticate"));
            resp.close();
            if (challenge.isEmpty()) {
                throw RegistryAuth.needsLogin(endpoint, repository, "it answered 401 without saying how to log in");
            }
            String answer = auth.answer(challenge.get(), endpoint, repository);
            authorizations.put(key, answer);
            resp = follow(uri, headers, answer, deadline);
            if (resp.status() == 401) {
                resp.close();
                throw RegistryAuth.needsLogin(endpoint, repository, "it refused the credentials kiln sent");
            }
        }
        return resp;
    }

    private Transport.Response follow(URI uri, Map<String, String> headers, String authorization, Duration deadline)
            throws IOException {
        URI current = uri;
        for (int hop = 0; ; hop++) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            // a blob redirect to a storage host is normal; the registry's credentials stay with the registry
            if (authorization != null && sameOrigin(uri, current)) {
                h.put("Authorization", authorization);
            }
            Transport.Response resp = transport.send("GET", current, h, null, deadline);
            Optional<String> location = resp.header("Location");
            if (resp.status() / 100 != 3 || location.isEmpty() || hop >= MAX_REDIRECTS) {
                return resp;
            }
            resp.close();
            current = current.resolve(location.get());
        }
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getRawAuthority().equalsIgnoreCase(b.getRawAuthority());
    }

    private static IOException status(Transport.Response resp, Endpoint endpoint, String repository, URI uri)
            throws IOException {
        int code = resp.status();
        if (code >= 500 || code == 429) {
            return new RetryableStatus(code, endpoint.toString(), resp.header("Retry-After"));
        }
        String body = new String(resp.body().readNBytes(2048), StandardCharsets.UTF_8);
        if (code == 403) {
            throw RegistryAuth.needsLogin(endpoint, repository, "it denied access (HTTP 403)");
        }
        throw KilnException.tried("GET " + uri, "the registry answered HTTP " + code + registryError(body),
                "check the image name and the registry");
    }

    /** The first message of a registry error document ({"errors":[{"code","message"}]}), if any. */
    private static String registryError(String body) {
        try {
            var errors = OciLayout.JSON.readTree(body).path("errors");
            if (errors.isArray() && errors.size() > 0) {
                return " (" + errors.get(0).path("code").asText() + ": " + errors.get(0).path("message").asText() + ")";
            }
        } catch (IOException e) {
            return "";
        }
        return "";
    }

    @Override
    public void close() {
        authorizations.clear();
    }
}
