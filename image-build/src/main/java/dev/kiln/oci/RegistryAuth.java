package dev.kiln.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.KilnException;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Answers a registry's 401 challenge: {@code Basic} with the stored credentials, or
 * {@code Bearer} by asking the challenge's realm for a token, anonymously or with credentials
 * (distribution's token authentication spec, docs/spec/auth/token.md; an identity token is
 * exchanged with the OAuth2 refresh-token grant of docs/spec/auth/oauth.md).
 */
final class RegistryAuth {

    private static final int TOKEN_LIMIT = 1 << 20;

    private final Transport transport;
    private final DockerConfig config;
    private final Duration deadline;

    RegistryAuth(Transport transport, DockerConfig config, Duration deadline) {
        this.transport = transport;
        this.config = config;
        this.deadline = deadline;
    }

    /** The Authorization header value to retry with. */
    String answer(Challenge challenge, Endpoint endpoint, String repository) throws IOException {
        Optional<Credentials> creds = config.credentials(endpoint.server());
        if (challenge.scheme().equals("basic")) {
            return creds.filter(c -> !c.identityToken()).map(Credentials::basic)
                    .orElseThrow(() -> needsLogin(endpoint, repository, "it asks for a user name and password"));
        }
        if (!challenge.scheme().equals("bearer") || !challenge.params().containsKey("realm")) {
            throw KilnException.tried("pull " + repository + " from " + endpoint,
                    "it asks for an authentication scheme kiln does not speak (" + challenge.scheme() + ")", "");
        }
        String scope = challenge.params().getOrDefault("scope", "repository:" + repository + ":pull");
        String service = challenge.params().getOrDefault("service", "");
        JsonNode answer = creds.isPresent() && creds.get().identityToken()
                ? refresh(challenge, creds.get(), service, scope, endpoint, repository)
                : token(challenge, creds, service, scope, endpoint, repository);
        String token = answer.path("token").asText(answer.path("access_token").asText(""));
        if (token.isEmpty()) {
            throw KilnException.tried("log in to " + endpoint + " for " + repository,
                    "its token server answered without a token", "check the registry's token service");
        }
        return "Bearer " + token;
    }

    private JsonNode token(Challenge challenge, Optional<Credentials> creds, String service, String scope,
                           Endpoint endpoint, String repository) throws IOException {
        URI uri = URI.create(challenge.params().get("realm") + (challenge.params().get("realm").contains("?") ? "&" : "?")
                + "service=" + enc(service) + "&scope=" + enc(scope));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("User-Agent", "kiln");
        creds.ifPresent(c -> headers.put("Authorization", c.basic()));
        return send("GET", uri, headers, null, endpoint, repository, creds.isPresent());
    }

    private JsonNode refresh(Challenge challenge, Credentials creds, String service, String scope,
                             Endpoint endpoint, String repository) throws IOException {
        String form = "grant_type=refresh_token&client_id=kiln&service=" + enc(service) + "&scope=" + enc(scope)
                + "&refresh_token=" + enc(creds.secret());
        Map<String, String> headers = Map.of("Content-Type", "application/x-www-form-urlencoded", "User-Agent", "kiln");
        return send("POST", URI.create(challenge.params().get("realm")), headers, form.getBytes(StandardCharsets.UTF_8),
                endpoint, repository, true);
    }

    private JsonNode send(String method, URI uri, Map<String, String> headers, byte[] body, Endpoint endpoint,
                          String repository, boolean withCreds) throws IOException {
        try (Transport.Response resp = transport.send(method, uri, headers, body, deadline)) {
            int status = resp.status();
            if (status == 401 || status == 403) {
                throw needsLogin(endpoint, repository, withCreds ? "its token server refused the stored credentials"
                        : "its token server wants credentials");
            }
            if (status >= 500 || status == 429) {
                throw new RetryableStatus(status, "token server " + uri.getHost(), resp.header("Retry-After"));
            }
            if (status != 200) {
                throw KilnException.tried("log in to " + endpoint + " for " + repository,
                        "its token server answered HTTP " + status, "");
            }
            byte[] bytes = resp.body().readNBytes(TOKEN_LIMIT + 1);
            if (bytes.length > TOKEN_LIMIT) {
                throw KilnException.tried("log in to " + endpoint + " for " + repository,
                        "its token server's answer is larger than " + (TOKEN_LIMIT >> 10) + " KiB", "");
            }
            return OciLayout.JSON.readTree(bytes);
        }
    }

    static KilnException needsLogin(Endpoint endpoint, String repository, String why) {
        return KilnException.tried("pull " + repository + " from " + endpoint, why,
                "log in with 'docker login " + endpoint.server() + "' (kiln reads ~/.docker/config.json and its "
                        + "credential helpers) or check that the image name is right");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
