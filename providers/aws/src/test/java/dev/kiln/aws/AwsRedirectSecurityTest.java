package dev.kiln.aws;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.kiln.api.Architecture;
import dev.kiln.api.BootMode;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.KilnException;
import dev.kiln.api.PublishPolicy;
import dev.kiln.spi.Provider;
import dev.kiln.testkit.ProviderHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * kiln's AWS calls go through the SDK, whose HTTP client follows no redirect and whose endpoints come from the
 * region or --endpoint-url, never from an answer: an EBS direct block PUT answered with a 307 to another host
 * sends that host nothing, neither the block nor a signature. ("elsewhere" is reached as localhost, another name.)
 */
@Tag("security")
class AwsRedirectSecurityTest {

    @TempDir
    Path tmp;
    AwsStub aws;
    WireMockServer elsewhere;

    @BeforeEach
    void start() {
        aws = new AwsStub();
        elsewhere = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        elsewhere.start();
        elsewhere.stubFor(any(anyUrl()).willReturn(ok()));
    }

    @AfterEach
    void stop() {
        aws.close();
        elsewhere.stop();
    }

    @Test
    void aRedirectedBlockUploadIsNotFollowedToAnotherHost() throws Exception {
        aws.server.stubFor(put(urlPathMatching("/snapshots/.*/blocks/.*")).atPriority(1).willReturn(aResponse()
                .withStatus(307).withHeader("Location", "http://localhost:" + elsewhere.port() + "/collect")));
        ProviderHarness harness = AwsPushTest.harness(aws, tmp).flag("workers", "2");
        Path disk = TestImages.disk(tmp, "hello", 4L << 20, 0, 3);

        try (Provider p = new AwsProviderFactory().create(harness.pushContext())) {
            assertThatThrownBy(() -> p.push(AwsPushTest.request(disk, ImageFormat.AWS, Architecture.AMD64,
                    Set.of(BootMode.UEFI), PublishPolicy.DEFAULT))).isInstanceOf(KilnException.class);
        }

        assertThat(elsewhere.getAllServeEvents()).as("requests that reached the redirect's host").isEmpty();
        assertThat(aws.server.getAllServeEvents()).anyMatch(e -> e.getRequest().getUrl().contains("/blocks/"));
    }
}
