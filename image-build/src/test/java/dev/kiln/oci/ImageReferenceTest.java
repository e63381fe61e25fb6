package dev.kiln.oci;

import dev.kiln.api.KilnException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageReferenceTest {

    private static final String D = "sha256:" + "a".repeat(64);

    @ParameterizedTest
    @CsvSource({
            "redis, docker.io/library/redis:latest",
            "redis:7, docker.io/library/redis:7",
            "org/x, docker.io/org/x:latest",
            "docker.io/redis, docker.io/library/redis:latest",
            "index.docker.io/library/redis:6, docker.io/library/redis:6",
            "linuxkit/kernel:6.6.13, docker.io/linuxkit/kernel:6.6.13",
            "ghcr.io/org/team/img:v1, ghcr.io/org/team/img:v1",
            "localhost/img, localhost/img:latest",
            "127.0.0.1:5000/kiln/init:1, 127.0.0.1:5000/kiln/init:1",
            "localhost:5000/a, localhost:5000/a:latest",
    })
    void normalisesLikeDocker(String in, String out) {
        assertThat(ImageReference.parse(in).toString()).isEqualTo(out);
    }

    @org.junit.jupiter.api.Test
    void keepsADigestAndPrefersItForTheManifestRequest() {
        ImageReference byDigest = ImageReference.parse("alpine@" + D);
        ImageReference both = ImageReference.parse("linuxkit/init:v1@" + D);

        assertThat(byDigest.toString()).isEqualTo("docker.io/library/alpine@" + D);
        assertThat(byDigest.tag()).isEmpty();
        assertThat(both.toString()).isEqualTo("docker.io/linuxkit/init:v1@" + D);
        assertThat(both.manifestSelector()).isEqualTo(D);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Redis", "redis:bad tag", "a//b", "redis@sha256:123", "x@md5:abc"})
    void refusesMalformedReferencesAsUsageErrors(String in) {
        assertThatThrownBy(() -> ImageReference.parse(in)).isInstanceOf(KilnException.class)
                .matches(e -> ((KilnException) e).isUsage());
    }
}
