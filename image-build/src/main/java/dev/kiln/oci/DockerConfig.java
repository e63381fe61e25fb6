package dev.kiln.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.KilnException;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Registry credentials from Docker's client configuration ({@code $DOCKER_CONFIG/config.json}, else
 * {@code ~/.docker/config.json}): a registry's {@code credHelpers} entry first, then the
 * {@code credsStore}, then the {@code auths} entry (base64 {@code auth}, or {@code username} and
 * {@code password}, or an {@code identitytoken}), as the Docker CLI looks them up.
 */
public final class DockerConfig {

    /** The key Docker uses for Docker Hub in config files and helper calls. */
    static final String HUB_KEY = "https://index.docker.io/v1/";

    private final Path file;
    private final JsonNode root;
    private final CredentialHelper helpers;

    private DockerConfig(Path file, JsonNode root, CredentialHelper helpers) {
        this.file = file;
        this.root = root;
        this.helpers = helpers;
    }

    /** Loads the config the environment points at; a missing file means no credentials. */
    public static DockerConfig load(Map<String, String> env) {
        String dir = env.get("DOCKER_CONFIG");
        Path file = dir != null && !dir.isEmpty() ? Path.of(dir, "config.json")
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".docker", "config.json");
        JsonNode root = OciLayout.JSON.missingNode();
        if (Files.isRegularFile(file)) {
            try {
                root = OciLayout.JSON.readTree(file.toFile());
            } catch (IOException e) {
                throw KilnException.tried("read registry credentials from " + file, "it is not valid JSON",
                        "fix or move the file", e);
            }
        }
        return new DockerConfig(file, root, new CredentialHelper(env));
    }

    /** Credentials for {@code registry} (a host[:port], {@code docker.io} for Docker Hub), if any. */
    public Optional<Credentials> credentials(String registry) {
        String server = registry.equals(ImageReference.DOCKER_HUB) ? HUB_KEY : registry;
        String helper = root.path("credHelpers").path(registry).asText("");
        if (helper.isEmpty() && registry.equals(ImageReference.DOCKER_HUB)) {
            helper = root.path("credHelpers").path("index.docker.io").asText("");
        }
        if (helper.isEmpty()) {
            helper = root.path("credsStore").asText("");
        }
        if (!helper.isEmpty()) {
            Optional<Credentials> fromHelper = helpers.get(helper, server);
            if (fromHelper.isPresent()) {
                return fromHelper;
            }
        }
        return fromAuths(registry);
    }

    private Optional<Credentials> fromAuths(String registry) {
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("auths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (host(e.getKey()).equals(registry)) {
                return decode(e.getValue(), e.getKey());
            }
        }
        return Optional.empty();
    }

    private Optional<Credentials> decode(JsonNode entry, String key) {
        String token = entry.path("identitytoken").asText("");
        String auth = entry.path("auth").asText("");
        String user = entry.path("username").asText("");
        String password = entry.path("password").asText("");
        if (!auth.isEmpty()) {
            String plain;
            try {
                plain = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw KilnException.tried("read the credentials for " + key + " in " + file,
                        "its auth value is not base64", "log in again with docker login or fix the file");
            }
            int colon = plain.indexOf(':');
            user = colon < 0 ? plain : plain.substring(0, colon);
            password = colon < 0 ? "" : plain.substring(colon + 1);
        }
        if (!token.isEmpty()) {
            return Optional.of(new Credentials(user, token, true));
        }
        return user.isEmpty() ? Optional.empty() : Optional.of(new Credentials(user, password, false));
    }

    /** The registry a config key names: {@code https://index.docker.io/v1/} is docker.io. */
    static String host(String key) {
        String k = key.trim();
        if (k.contains("://")) {
            URI uri = URI.create(k);
            k = uri.getAuthority() == null ? k : uri.getAuthority();
        } else if (k.contains("/")) {
            k = k.substring(0, k.indexOf('/'));
        }
        return switch (k) {
            case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com" -> ImageReference.DOCKER_HUB;
            default -> k;
        };
    }
}
