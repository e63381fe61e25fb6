package dev.kiln.oci;

import dev.kiln.api.Event;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Authenticated pulls: htpasswd basic auth, bearer tokens from a token server, TLS with an extra CA. */
class RegistryAuthIT {

    /** bcrypt of "kiln-secret", the only hash format docker-registry's htpasswd accepts. */
    private static final String HTPASSWD = "kiln:$2b$04$urZFeRpdU825PEU919nvveMjaGSzqe0Uh/e4cV79Y9xUOum08xFmq\n";

    @TempDir
    Path work;

    private Packer.Packed seed(LocalRegistry registry, String... skopeoArgs) throws Exception {
        OciLayout seed = OciLayout.open(work.resolve("seed"));
        Packer.Packed svc = Fixtures.service(seed, work, "kiln.test/svc:1");
        registry.push(seed.root(), svc.reference(), "kiln/svc:1", skopeoArgs);
        return svc;
    }

    private Map<String, String> dockerConfig(String json) throws Exception {
        Path dir = Files.createDirectories(work.resolve("docker"));
        Files.writeString(dir.resolve("config.json"), json);
        return Map.of("DOCKER_CONFIG", dir.toString(), "PATH", work.resolve("bin") + ":/usr/bin:/bin");
    }

    private static String auths(String host, String user, String password) {
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return "{\"auths\":{\"" + host + "\":{\"auth\":\"" + auth + "\"}}}";
    }

    private LocalImage pull(String ref, RegistryOptions options) throws Exception {
        return new CachedImageStore(work.resolve("cache"), options.withRetries(1, Duration.ofMillis(10)), Events.none())
                .resolve(ref, "amd64", false);
    }

    @Test
    void basicAuthUsesTheDockerConfigAuthsEntry() throws Exception {
        Files.createDirectories(work.resolve("registry"));
        Files.writeString(work.resolve("registry/htpasswd"), HTPASSWD);
        String auth = "auth:\n  htpasswd:\n    realm: kiln\n    path: " + work.resolve("registry/htpasswd") + "\n";
        try (LocalRegistry registry = LocalRegistry.start(work.resolve("registry"), auth, false)) {
            Packer.Packed svc = seed(registry, "--dest-creds", "kiln:kiln-secret");
            Map<String, String> env = dockerConfig(auths("http://" + registry.host(), "kiln", "kiln-secret"));

            LocalImage image = pull(registry.host() + "/kiln/svc:1", RegistryOptions.defaults(env));

            assertThat(image.manifestDigest()).isEqualTo(svc.manifest().digest());
        }
    }

    @Test
    void withoutCredentialsTheErrorSaysHowToLogIn() throws Exception {
        Files.createDirectories(work.resolve("registry"));
        Files.writeString(work.resolve("registry/htpasswd"), HTPASSWD);
        String auth = "auth:\n  htpasswd:\n    realm: kiln\n    path: " + work.resolve("registry/htpasswd") + "\n";
        try (LocalRegistry registry = LocalRegistry.start(work.resolve("registry"), auth, false)) {
            seed(registry, "--dest-creds", "kiln:kiln-secret");
            Map<String, String> env = dockerConfig("{}");

            assertThatThrownBy(() -> pull(registry.host() + "/kiln/svc:1", RegistryOptions.defaults(env)))
                    .isInstanceOf(KilnException.class).hasMessageContaining("docker login " + registry.host())
                    .hasMessageNotContaining("kiln-secret");
        }
    }

    @Test
    void bearerTokensAreFetchedWithCredentialsFromACredentialHelper() throws Exception {
        Path pki = Files.createDirectories(work.resolve("pki"));
        Pki.selfSigned(pki);
        try (TokenServer tokens = new TokenServer(pki.resolve("cert.pem"), pki.resolve("key.pem"), "robot", "s3cret");
             LocalRegistry registry = LocalRegistry.start(work.resolve("registry"), tokens.registryAuthYaml(pki.resolve("cert.pem")), false)) {
            Packer.Packed svc = seed(registry, "--dest-creds", "robot:s3cret");
            Path bin = Files.createDirectories(work.resolve("bin"));
            Files.writeString(bin.resolve("docker-credential-kilntest"), "#!/bin/sh\nread server\n"
                    + "[ \"$server\" = \"" + registry.host() + "\" ] || { echo 'credentials not found'; exit 1; }\n"
                    + "echo '{\"ServerURL\":\"'$server'\",\"Username\":\"robot\",\"Secret\":\"s3cret\"}'\n");
            Files.setPosixFilePermissions(bin.resolve("docker-credential-kilntest"), PosixFilePermissions.fromString("rwxr-xr-x"));
            Map<String, String> env = dockerConfig("{\"credHelpers\":{\"" + registry.host() + "\":\"kilntest\"}}");
            int before = tokens.issued();

            LocalImage image = pull(registry.host() + "/kiln/svc:1", RegistryOptions.defaults(env));

            assertThat(image.manifestDigest()).isEqualTo(svc.manifest().digest());
            assertThat(tokens.issued()).isGreaterThan(before);
        }
    }

    @Test
    void aTlsMirrorIsTrustedOnlyWithCertFile() throws Exception {
        Path dir = Files.createDirectories(work.resolve("registry"));
        Pki.selfSigned(dir);
        try (LocalRegistry registry = LocalRegistry.start(dir, "", true)) {
            Packer.Packed svc = seed(registry);
            List<String> mirror = List.of("kiln.invalid=https://" + registry.host());
            Map<String, String> env = Map.of("HOME", work.toString());
            List<Event> events = new CopyOnWriteArrayList<>();

            assertThatThrownBy(() -> new CachedImageStore(work.resolve("cache"), RegistryOptions.of(mirror, List.of(), env)
                    .withRetries(1, Duration.ofMillis(10)), new Events(events::add, "t")).resolve("kiln.invalid/kiln/svc:1", "amd64", false))
                    .isInstanceOf(KilnException.class);
            assertThat(events).anyMatch(e -> e instanceof Event.Log l && l.message().contains("https://" + registry.host())
                    && l.message().toLowerCase().contains("certification path"));

            LocalImage image = new CachedImageStore(work.resolve("cache"), RegistryOptions.of(mirror, List.of(dir.resolve("cert.pem")), env),
                    Events.none()).resolve("kiln.invalid/kiln/svc:1", "amd64", false);
            assertThat(image.manifestDigest()).isEqualTo(svc.manifest().digest());
        }
    }
}
