package dev.kiln.oci;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GET requests to registry API routes, with the credentials dance, redirects and retries done
 * once here. Redirects are followed by hand so that a registry's token never travels to the
 * storage host a blob redirect points at.
 */
final class RegistryHttp implements AutoCloseable {

    private static final int MAX_REDIRECTS = 5;

    /** Reads a 200 answer; the body must be consumed or closed. */
    @FunctionalInterface
    interface Reader<T> {
        T read(HttpResponse<InputStream> response) throws IOException;
    }

    private final HttpClient client;
    private final RegistryAuth auth;
    private final Retry retry;
    private final Map<String, String> authorizations = new ConcurrentHashMap<>();

    RegistryHttp(RegistryOptions options, Events events) {
        // the JVM's proxies (https.proxyHost..., which the CLI sets from HTTPS_PROXY); direct without them
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .proxy(java.util.Optional.ofNullable(java.net.ProxySelector.getDefault()).orElse(HttpClient.Builder.NO_PROXY))
                .connectTimeout(Duration.ofSeconds(30)).followRedirects(HttpClient.Redirect.NEVER)
                .sslContext(TrustedCertificates.sslContext(options.certFiles())).build();
        this.auth = new RegistryAuth(client, DockerConfig.load(options.env()));
        this.retry = new Retry(options.attempts(), options.backoff(), events);
    }

    /**
     * GETs {@code /v2/<repository>/<path>} and hands a 200 answer to {@code reader}; empty on 404.
     * The whole exchange, body included, is retried on transient failures.
     */
    <T> Optional<T> get(Endpoint endpoint, String repository, String path, String accept, Reader<T> reader)
            throws IOException {
        URI uri = endpoint.uri(repository, path);
        return retry.run("GET " + uri, () -> {
            HttpResponse<InputStream> resp = send(endpoint, repository, uri, accept);
            try (InputStream body = resp.body()) {
                return switch (resp.statusCode()) {
                    case 200 -> Optional.of(reader.read(resp));
                    case 404 -> Optional.empty();
                    default -> throw status(resp, endpoint, repository, uri);
                };
            }
        });
    }

    private HttpResponse<InputStream> send(Endpoint endpoint, String repository, URI uri, String accept)
            throws IOException, InterruptedException {
        String key = endpoint.base() + " " + repository;
        HttpResponse<InputStream> resp = follow(uri, accept, authorizations.get(key));
        if (resp.statusCode() == 401) {
            Optional<Challenge> challenge = Challenge.parse(resp.headers().allValues("WWW-Authenticate"));
            resp.body().close();
            if (challenge.isEmpty()) {
                throw RegistryAuth.needsLogin(endpoint, repository, "it answered 401 without saying how to log in");
            }
            String answer = auth.answer(challenge.get(), endpoint, repository);
            authorizations.put(key, answer);
            resp = follow(uri, accept, answer);
            if (resp.statusCode() == 401) {
                resp.body().close();
                throw RegistryAuth.needsLogin(endpoint, repository, "it refused the credentials kiln sent");
            }
        }
        return resp;
    }

    private HttpResponse<InputStream> follow(URI uri, String accept, String authorization)
            throws IOException, InterruptedException {
        URI current = uri;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder req = HttpRequest.newBuilder(current).GET().header("Accept", accept)
                    .header("User-Agent", "kiln");
            if (authorization != null && sameOrigin(uri, current)) {
                req.header("Authorization", authorization);
            }
            HttpResponse<InputStream> resp = client.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            Optional<String> location = resp.headers().firstValue("Location");
            if (resp.statusCode() / 100 != 3 || location.isEmpty() || hop >= MAX_REDIRECTS) {
                return resp;
            }
            resp.body().close();
            current = current.resolve(location.get());
        }
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equals(b.getScheme()) && a.getAuthority().equals(b.getAuthority());
    }

    private static IOException status(HttpResponse<InputStream> resp, Endpoint endpoint, String repository, URI uri)
            throws IOException {
        int code = resp.statusCode();
        if (code >= 500 || code == 429) {
            return new RetryableStatus(code, endpoint.toString(), resp.headers().firstValue("Retry-After"));
        }
        String body = new String(resp.body().readNBytes(2048), java.nio.charset.StandardCharsets.UTF_8);
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
