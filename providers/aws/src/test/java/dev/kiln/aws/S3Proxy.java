package dev.kiln.aws;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;

/**
 * A loopback proxy in front of the S3-compatible server that passes every request through, except
 * UploadPart requests a test chooses to fail or slow down: the faults of a real network, with a
 * real S3 implementation behind them.
 */
final class S3Proxy implements AutoCloseable {

    final WireMockServer server;
    private final String target;

    S3Proxy(String target) {
        this.target = target;
        server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        server.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(target)));
    }

    String url() {
        return "http://127.0.0.1:" + server.port();
    }

    /** Part {@code number} always fails with this S3 error. */
    void failPart(int number, int status, String code) {
        server.stubFor(put(urlPathMatching("/.*")).withQueryParam("partNumber", equalTo(String.valueOf(number)))
                .atPriority(1).willReturn(error(status, code)));
    }

    /** The first attempt of part {@code number} fails with this S3 error; later ones pass through. */
    void failPartOnce(int number, int status, String code) {
        String scenario = "part " + number;
        server.stubFor(put(urlPathMatching("/.*")).withQueryParam("partNumber", equalTo(String.valueOf(number)))
                .inScenario(scenario).whenScenarioStateIs(STARTED).willSetStateTo("failed once")
                .atPriority(1).willReturn(error(status, code)));
    }

    /** Every part's answer is held back this long (the part itself reaches S3 at once). */
    void slowParts(int millis) {
        server.stubFor(put(urlPathMatching("/.*")).withQueryParam("partNumber", matching("[0-9]+"))
                .atPriority(5).willReturn(aResponse().proxiedFrom(target).withFixedDelay(millis)));
    }

    /** The UploadPart requests received, in arrival order, as their part numbers. */
    List<String> parts() {
        return server.findAll(putRequestedFor(urlPathMatching("/.*")).withQueryParam("partNumber", matching("[0-9]+")))
                .stream().map(S3Proxy::partNumber).toList();
    }

    private static String partNumber(LoggedRequest r) {
        return r.queryParameter("partNumber").firstValue();
    }

    private static ResponseDefinitionBuilder error(int status, String code) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/xml")
                .withBody("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + code
                        + " (injected by the test)</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>");
    }

    @Override
    public void close() {
        server.stop();
    }
}
