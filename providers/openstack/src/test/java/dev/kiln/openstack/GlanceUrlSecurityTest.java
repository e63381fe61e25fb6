package dev.kiln.openstack;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.kiln.api.CancelToken;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.api.Retry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * URLs a Glance answer names (the next page of a listing, a redirect's Location) never carry the token to another
 * host: a next page that is not a path on the catalog's endpoint is refused, and redirects are not followed.
 * ("elsewhere" is a second loopback server reached as localhost: another host, so it records what a foreign host would get.)
 */
@Tag("security")
class GlanceUrlSecurityTest {

    private static final String TOKEN = "gAAAAA-secret-token";

    private WireMockServer glance;
    private WireMockServer elsewhere;

    @BeforeEach
    void start() {
        glance = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        elsewhere = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        glance.start();
        elsewhere.start();
        elsewhere.stubFor(any(anyUrl()).willReturn(okJson("{\"images\": []}")));
    }

    @AfterEach
    void stop() {
        glance.stop();
        elsewhere.stop();
    }

    private Glance glance() {
        CloudAuth auth = new CloudAuth("http://127.0.0.1:1/v3", CloudAuth.TOKEN, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of("t"), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), "public", Optional.empty(), false, "test");
        OpenStackHttp http = new OpenStackHttp(auth, CancelToken.create(), Events.none());
        http.token(TOKEN);
        return new Glance(http, "http://127.0.0.1:" + glance.port(), Retry.builder().attempts(1)
                .classifier(OpenStackErrors.classifier(java.time.Clock.systemUTC())).build());
    }

    private void firstPageSaysNext(String next) {
        glance.stubFor(get(urlPathEqualTo("/v2/images")).willReturn(okJson("{\"images\": [{\"id\": \"1\", \"name\":"
                + " \"a\", \"status\": \"active\"}], \"next\": \"" + next + "\"}")));
    }

    @Test
    void aNextPageOnAnotherHostIsRefusedAndGetsNoToken() {
        String other = "http://localhost:" + elsewhere.port();
        String[] foreign = {other + "/v2/images?marker=1", "//localhost:" + elsewhere.port() + "/v2/images?marker=1",
                "images?marker=1", ".localhost:" + elsewhere.port() + "/v2/images"};
        for (String next : foreign) {
            firstPageSaysNext(next);
            assertThatThrownBy(() -> glance().list(Map.of("name", "a"))).as(next).isInstanceOf(KilnException.class)
                    .hasMessageContaining("next page").hasMessageContaining("refused")
                    .hasMessageNotContaining(TOKEN);
        }
        assertThat(elsewhere.getAllServeEvents()).as("requests that reached another host").isEmpty();
    }

    /** Pasted after a port-less endpoint, ".evil.example/..." would have named the host glance.example.evil.example. */
    @Test
    void aNextPageThatWouldExtendTheHostNameIsRefused() {
        assertThatThrownBy(() -> Glance.nextPage("https://glance.example/v2", ".evil.example/v2/images?marker=1"))
                .isInstanceOf(KilnException.class).hasMessageContaining("not a path on https://glance.example");
        assertThat(Glance.nextPage("https://cloud.example/image/v2", "/v2/images?marker=1"))
                .isEqualTo("https://cloud.example/image/v2/images?marker=1");
    }

    @Test
    void aNextPageThatIsAPathIsFollowedOnTheEndpoint() throws Exception {
        firstPageSaysNext("/v2/images?marker=1&name=a");
        glance.stubFor(get(urlPathEqualTo("/v2/images")).withQueryParam("marker", com.github.tomakehurst.wiremock
                .client.WireMock.equalTo("1")).willReturn(okJson("{\"images\": [{\"id\": \"2\"}]}")));
        assertThat(glance().list(Map.of("name", "a"))).extracting(Glance.Image::id).containsExactly("1", "2");
        glance.verify(getRequestedFor(urlPathEqualTo("/v2/images")).withHeader("X-Auth-Token",
                com.github.tomakehurst.wiremock.client.WireMock.equalTo(TOKEN)));
    }

    @Test
    void aRedirectToAnotherHostIsNotFollowed() {
        glance.stubFor(get(urlPathEqualTo("/v2/images/1")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "http://localhost:" + elsewhere.port() + "/v2/images/1")));
        assertThatThrownBy(() -> glance().show("1")).isInstanceOf(OpenStackApiException.class)
                .hasMessageContaining("HTTP 302");
        assertThat(elsewhere.getAllServeEvents()).isEmpty();
    }
}
