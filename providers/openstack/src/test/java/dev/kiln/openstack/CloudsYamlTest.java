package dev.kiln.openstack;

import dev.kiln.api.KilnException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CloudsYamlTest {

    @TempDir
    Path tmp;

    private static void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void theWorkingDirectoryWinsOverHomeAndEtcAndSecureYamlIsMergedFromItsOwnPlace() throws Exception {
        Path cwd = tmp.resolve("cwd");
        Path home = tmp.resolve("home");
        Path etc = tmp.resolve("etc");
        write(cwd.resolve("clouds.yaml"), """
                clouds:
                  lab:
                    auth_type: v3applicationcredential
                    auth: {auth_url: "https://keystone.example:5000", application_credential_id: "ac-1"}
                    region_name: RegionTwo
                    interface: internal
                """);
        write(home.resolve(".config/openstack/clouds.yaml"), "clouds: {lab: {auth: {auth_url: https://home}}}");
        write(etc.resolve("clouds.yaml"), "clouds: {lab: {auth: {auth_url: https://etc}}}");
        write(etc.resolve("secure.yaml"), "clouds: {lab: {auth: {application_credential_secret: s3cr3t}}}");

        CloudAuth auth = new CloudsYaml(Map.of("HOME", home.toString()), cwd, etc).resolve(Optional.of("lab"));

        assertThat(auth.authUrl()).isEqualTo("https://keystone.example:5000");
        assertThat(auth.identityV3()).isEqualTo("https://keystone.example:5000/v3");
        assertThat(auth.method()).isEqualTo(CloudAuth.APPLICATION_CREDENTIAL);
        assertThat(auth.appCredentialSecret()).contains("s3cr3t");
        assertThat(auth.region()).contains("RegionTwo");
        assertThat(auth.endpointInterface()).isEqualTo("internal");
        assertThat(auth.toString()).doesNotContain("s3cr3t");
        assertThat(Keystone.body(auth).toString()).isEqualTo("{\"auth\":{\"identity\":{\"methods\":"
                + "[\"application_credential\"],\"application_credential\":{\"id\":\"ac-1\",\"secret\":\"s3cr3t\"}}}}");
    }

    @Test
    void anUnknownCloudNamesTheOnesThereAre() throws Exception {
        Path home = tmp.resolve("home");
        write(home.resolve(".config/openstack/clouds.yaml"), "clouds: {a: {}, b: {}}");

        assertThatThrownBy(() -> new CloudsYaml(Map.of("HOME", home.toString()), tmp, tmp.resolve("etc"))
                .resolve(Optional.of("c"))).isInstanceOf(KilnException.class).hasMessageContaining("a, b");
    }

    @Test
    void osVariablesGiveAPasswordSignInScopedToTheProject() {
        CloudAuth auth = new CloudsYaml(Map.of("OS_AUTH_URL", "http://k:5000/v3/", "OS_USERNAME", "u",
                "OS_PASSWORD", "p", "OS_TENANT_NAME", "t", "OS_USER_DOMAIN_NAME", "D"), tmp, tmp)
                .resolve(Optional.empty());

        assertThat(Keystone.body(auth).toString()).isEqualTo("{\"auth\":{\"identity\":{\"methods\":[\"password\"],"
                + "\"password\":{\"user\":{\"name\":\"u\",\"domain\":{\"name\":\"D\"},\"password\":\"p\"}}},"
                + "\"scope\":{\"project\":{\"name\":\"t\",\"domain\":{\"name\":\"Default\"}}}}}");
        assertThat(auth.endpointInterface()).isEqualTo("public");
    }
}
