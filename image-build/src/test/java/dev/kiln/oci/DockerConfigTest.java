package dev.kiln.oci;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DockerConfigTest {

    @TempDir
    Path dir;

    private DockerConfig config(String json) throws Exception {
        Files.writeString(dir.resolve("config.json"), json);
        return DockerConfig.load(Map.of("DOCKER_CONFIG", dir.toString(), "PATH", dir.toString()));
    }

    @Test
    void readsBase64AuthForDockerHubFromItsLegacyKey() throws Exception {
        DockerConfig c = config("{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"dXNlcjpwYTpzcw==\"}}}");

        assertThat(c.credentials("docker.io")).contains(new Credentials("user", "pa:ss", false));
        assertThat(c.credentials("ghcr.io")).isEmpty();
    }

    @Test
    void readsUsernamePasswordAndIdentityTokens() throws Exception {
        DockerConfig c = config("{\"auths\":{\"ghcr.io\":{\"username\":\"u\",\"password\":\"p\"},"
                + "\"myreg.azurecr.io\":{\"auth\":\"MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAwOg==\",\"identitytoken\":\"rt\"}}}");

        assertThat(c.credentials("ghcr.io")).contains(new Credentials("u", "p", false));
        assertThat(c.credentials("myreg.azurecr.io").orElseThrow().identityToken()).isTrue();
        assertThat(c.credentials("myreg.azurecr.io").orElseThrow().secret()).isEqualTo("rt");
    }

    @Test
    void aCredentialHelperWinsOverAuthsAndGetsTheServerOnStdin() throws Exception {
        Path helper = dir.resolve("docker-credential-fake");
        Files.writeString(helper, "#!/bin/sh\nread s\necho \"{\\\"Username\\\":\\\"from-$s\\\",\\\"Secret\\\":\\\"x\\\"}\"\n");
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
        DockerConfig c = config("{\"credsStore\":\"fake\",\"auths\":{\"ghcr.io\":{\"auth\":\"dTpw\"}}}");

        assertThat(c.credentials("ghcr.io")).contains(new Credentials("from-ghcr.io", "x", false));
        assertThat(c.credentials("docker.io").orElseThrow().username()).isEqualTo("from-https://index.docker.io/v1/");
    }

    @Test
    void aMissingConfigMeansAnonymous() {
        assertThat(DockerConfig.load(Map.of("DOCKER_CONFIG", dir.resolve("none").toString())).credentials("docker.io")).isEmpty();
    }

    @Test
    void credentialsNeverPrintTheirSecret() {
        assertThat(new Credentials("u", "hunter2", false).toString()).doesNotContain("hunter2");
    }
}
