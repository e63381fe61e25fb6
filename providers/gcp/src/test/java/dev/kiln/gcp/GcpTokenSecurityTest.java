package dev.kiln.gcp;

import dev.kiln.api.Architecture;
import dev.kiln.api.Artifact;
import dev.kiln.api.BootMode;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.KilnException;
import dev.kiln.api.PublishPolicy;
import dev.kiln.spi.PushRequest;
import dev.kiln.testkit.ProviderHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A 403 from Google's token endpoint is the credentials' fault, not "500 on Google's side" (issue 20). */
@Tag("security")
class GcpTokenSecurityTest {

    @TempDir
    Path tmp;

    private GcpFake gcp;

    @BeforeEach
    void start() throws Exception {
        gcp = new GcpFake(tmp);
    }

    @AfterEach
    void stop() {
        gcp.close();
    }

    @Test
    void aForbiddenTokenRequestIsReportedAsTheCredentialsProblem() throws Exception {
        gcp.stub(post(urlPathEqualTo("/token")).atPriority(1).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"access_denied\",\"error_description\":\"Service account is disabled\"}")));
        ProviderHarness harness = gcp.harness().flag("bucket", "kiln-images");
        Path image = GcpPushTest.tarGz(tmp.resolve("hello.img.tar.gz"), 4096);
        PushRequest request = new PushRequest(Artifact.single(ImageFormat.GCP, image), "hello", Architecture.AMD64,
                Set.of(BootMode.UEFI), "sha256:" + "a".repeat(64), PublishPolicy.DEFAULT, false);

        try (GcpProvider provider = gcp.provider(harness.pushContext())) {
            assertThatThrownBy(() -> provider.push(request)).isInstanceOf(KilnException.class)
                    .satisfies(e -> assertThat(e.getMessage()).as(e.getMessage())
                            .doesNotContain("Google's side").doesNotContain("answered 500")
                            .containsAnyOf("403", "credentials", "access token"));
        }
    }
}
