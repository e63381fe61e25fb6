package dev.kiln.oci;

import dev.kiln.api.KilnException;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InsecureRegistriesTest {

    @Test
    void aHostWithAPortCoversThatPortOnly() {
        InsecureRegistries insecure = InsecureRegistries.of(List.of("registry.lan:5000"), null);

        assertThat(insecure.covers(URI.create("https://registry.lan:5000/v2/"))).isTrue();
        assertThat(insecure.covers(URI.create("https://REGISTRY.lan:5000/v2/"))).isTrue();
        assertThat(insecure.covers(URI.create("https://registry.lan:5001/v2/"))).isFalse();
        assertThat(insecure.covers(URI.create("https://registry.lan/v2/"))).isFalse();
        assertThat(insecure.covers(URI.create("https://other.lan:5000/v2/"))).isFalse();
    }

    @Test
    void aBareHostCoversEveryPortOfItAndNoOtherHost() {
        InsecureRegistries insecure = InsecureRegistries.of(List.of("registry.lan"), null);

        assertThat(insecure.covers(URI.create("https://registry.lan/v2/"))).isTrue();
        assertThat(insecure.covers(URI.create("http://registry.lan:5000/v2/"))).isTrue();
        assertThat(insecure.covers(URI.create("https://registry.lan.evil.example/v2/"))).isFalse();
        assertThat(insecure.covers(URI.create("https://s3.amazonaws.com/bucket"))).isFalse();
    }

    @Test
    void theEnvironmentListIsReadOnlyWithoutFlags() {
        Map<String, String> env = Map.of("KILN_INSECURE_REGISTRIES", " a.lan:5000 , b.lan ");

        assertThat(RegistryOptions.of(List.of(), List.of(), List.of(), env).insecure().entries())
                .containsExactly("a.lan:5000", "b.lan");
        assertThat(RegistryOptions.of(List.of(), List.of(), List.of("c.lan"), env).insecure().entries())
                .containsExactly("c.lan");
        assertThat(RegistryOptions.defaults(Map.of()).insecure().isEmpty()).isTrue();
    }

    @Test
    void aSchemeOrAPathIsAUsageError() {
        for (String bad : List.of("https://registry.lan", "registry.lan/v2", "", "registry.lan:port")) {
            assertThatThrownBy(() -> InsecureRegistries.of(List.of(bad), null))
                    .isInstanceOf(KilnException.class).matches(e -> ((KilnException) e).isUsage())
                    .hasMessageContaining("HOST or HOST:PORT");
        }
    }
}
