package dev.kiln.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.KilnException;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Docker credential helper ({@code docker-credential-<name> get}, server URL on stdin, JSON
 * {@code {"Username","Secret"}} on stdout), per docker-credential-helpers' protocol. A user name
 * of {@code <token>} marks the secret as an identity token.
 */
final class CredentialHelper {

    private static final long TIMEOUT_SECONDS = 60;

    private final Map<String, String> env;

    CredentialHelper(Map<String, String> env) {
        this.env = env;
    }

    Optional<Credentials> get(String helper, String server) {
        Path program = find("docker-credential-" + helper);
        try {
            ProcessBuilder pb = new ProcessBuilder(program.toString(), "get").redirectErrorStream(false);
            pb.environment().clear();
            pb.environment().putAll(env);
            Process p = pb.start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(server.getBytes(StandardCharsets.UTF_8));
            }
            byte[] out = p.getInputStream().readAllBytes();
            p.getErrorStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw failed(helper, server, "it did not answer within " + TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                // "credentials not found" is how helpers say they know nothing of this server
                return Optional.empty();
            }
            return parse(OciLayout.JSON.readTree(out));
        } catch (IOException e) {
            throw failed(helper, server, dev.kiln.api.KilnException.reason(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed(helper, server, "kiln was interrupted");
        }
    }

    private static Optional<Credentials> parse(JsonNode answer) {
        String user = answer.path("Username").asText("");
        String secret = answer.path("Secret").asText("");
        if (secret.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(user.equals("<token>") ? new Credentials("", secret, true) : new Credentials(user, secret, false));
    }

    private Path find(String name) {
        String path = env.getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name);
            }
        }
        throw KilnException.tried("get registry credentials from the helper " + name, "it is not on the PATH",
                "install it, or remove it from credHelpers/credsStore in the Docker config");
    }

    private static KilnException failed(String helper, String server, String why) {
        return KilnException.tried("get credentials for " + server + " from docker-credential-" + helper, why,
                "run the helper by hand to check it works");
    }
}
