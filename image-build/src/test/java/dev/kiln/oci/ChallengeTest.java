package dev.kiln.oci;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChallengeTest {

    @Test
    void parsesDockerHubsBearerChallenge() {
        Challenge c = Challenge.parse(List.of("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                + "scope=\"repository:library/redis:pull\"")).orElseThrow();

        assertThat(c.scheme()).isEqualTo("bearer");
        assertThat(c.params()).containsEntry("realm", "https://auth.docker.io/token")
                .containsEntry("service", "registry.docker.io").containsEntry("scope", "repository:library/redis:pull");
    }

    @Test
    void prefersBearerAmongSeveralAndReadsUnquotedBasic() {
        assertThat(Challenge.parse(List.of("Basic realm=x", "Bearer realm=\"r\"")).orElseThrow().scheme()).isEqualTo("bearer");
        assertThat(Challenge.parse(List.of("Basic realm=kiln")).orElseThrow().params()).containsEntry("realm", "kiln");
    }
}
