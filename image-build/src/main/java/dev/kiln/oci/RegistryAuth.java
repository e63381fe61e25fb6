package dev.kiln.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.KilnException;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Answers a registry's 401 challenge: {@code Basic} with the stored credentials, or
 * {@code Bearer} by asking the challenge's realm for a token, anonymously or with credentials
 * (distribution's token authentication spec, docs/spec/auth/token.md; an identity token is
 * exchanged with the OAuth2 refresh-token grant of docs/spec/auth/oauth.md).
 */
final class RegistryAuth {

    private final HttpClient client;
    private final DockerConfig config;

    RegistryAuth(HttpClient client, DockerConfig config) {
        this.client = client;
        this.config = config;
    }

    /** The Authorization header value to retry with. */
    String answer(Challenge challenge, Endpoint endpoint, String repository) throws IOException, InterruptedException {
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
                           Endpoint endpoint, String repository) throws IOException, InterruptedException {
        URI uri = URI.create(challenge.params().get("realm") + (challenge.params().get("realm").contains("?") ? "&" : "?")
                + "service=" + enc(service) + "&scope=" + enc(scope));
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET();
        creds.ifPresent(c -> req.header("Authorization", c.basic()));
        return send(req.build(), endpoint, repository, creds.isPresent());
    }

    private JsonNode refresh(Challenge challenge, Credentials creds, String service, String scope,
                             Endpoint endpoint, String repository) throws IOException, InterruptedException {
        String form = "grant_type=refresh_token&client_id=kiln&service=" + enc(service) + "&scope=" + enc(scope)
                + "&refresh_token=" + enc(creds.secret());
        HttpRequest req = HttpRequest.newBuilder(URI.create(challenge.params().get("realm")))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        return send(req, endpoint, repository, true);
    }

    private JsonNode send(HttpRequest req, Endpoint endpoint, String repository, boolean withCreds)
            throws IOException, InterruptedException {
        HttpResponse<byte[]> resp = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
        if (resp.statusCode() == 401 || resp.statusCode() == 403) {
            throw needsLogin(endpoint, repository, withCreds ? "its token server refused the stored credentials"
                    : "its token server wants credentials");
        }
        if (resp.statusCode() >= 500 || resp.statusCode() == 429) {
            throw new RetryableStatus(resp.statusCode(), "token server " + req.uri().getHost(),
                    resp.headers().firstValue("Retry-After"));
        }
        if (resp.statusCode() != 200) {
            throw KilnException.tried("log in to " + endpoint + " for " + repository,
                    "its token server answered HTTP " + resp.statusCode(), "");
        }
        return OciLayout.JSON.readTree(resp.body());
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
