package dev.kiln.packet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.kiln.api.KilnException;
import dev.kiln.api.Lifecycle;
import dev.kiln.api.Userdata;
import dev.kiln.spi.FileServer;
import dev.kiln.spi.Provider;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.RunResult;
import dev.kiln.testkit.ProviderHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * run packet against a WireMock stand-in answering like the Metal v1 API's documented examples. Every request
 * body is checked field by field against DeviceCreateInput / DeviceUpdateInput / DeviceActionInput: names, JSON
 * types, required fields, and no field the API does not define.
 */
class PacketRunTest {

    private static final String PROJECT = "a5b1c7d3-0000-4000-8000-000000000001";
    private static final String DEVICE = "e3c0f7a2-0000-4000-8000-0000000000d1";
    private static final String TOKEN = "metal-token-" + System.nanoTime();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** DeviceCreateInput fields kiln may send, with their JSON types; plan and operating_system are required. */
    private static final Map<String, String> CREATE = Map.of("plan", "STRING", "operating_system", "STRING",
            "metro", "STRING", "hostname", "STRING", "tags", "ARRAY", "billing_cycle", "STRING",
            "ipxe_script_url", "STRING", "always_pxe", "BOOLEAN", "userdata", "STRING");
    private static final Map<String, String> UPDATE = Map.of("ipxe_script_url", "STRING", "always_pxe", "BOOLEAN",
            "userdata", "STRING");

    @TempDir
    Path tmp;
    WireMockServer metal;
    /** Where the pushed files are served from, as a fleet's boot server would: the run checks them first. */
    FileServer boot;
    Path www;
    String script;

    @BeforeEach
    void start() throws Exception {
        metal = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        metal.start();
        www = Files.createDirectories(tmp.resolve("www"));
        boot = FileServer.start(www, "127.0.0.1:0", line -> { });
        String base = "http://127.0.0.1:" + boot.port();
        pushed(www, base);
        script = base + "/hello-equinixmetal.ipxe";
    }

    @AfterEach
    void stop() {
        metal.stop();
        boot.close();
    }

    /** What push packet --destination DIR --base-url BASE writes. */
    static void pushed(Path dir, String base) throws Exception {
        Files.writeString(dir.resolve("hello-kernel"), "kernel of hello");
        Files.writeString(dir.resolve("hello-initrd.img"), "initrd of hello");
        String text = new IpxeScript(base + "/hello-kernel", base + "/hello-initrd.img", "ttyS1,115200", "quiet",
                "sha256:" + "ab".repeat(32)).render(Optional.of(base));
        Files.writeString(dir.resolve("hello-equinixmetal.ipxe"), text);
    }

    private ProviderHarness harness() {
        return new ProviderHarness(new PacketProviderFactory(), tmp).env("METAL_AUTH_TOKEN", TOKEN)
                .flag("api-url", metal.baseUrl() + "/metal/v1").flag("project", PROJECT).flag("metro", "sv")
                .flag("poll-interval", "1ms");
    }

    private RunResult run(ProviderHarness harness, RunRequest request) throws Exception {
        try (Provider p = new PacketProviderFactory().create(harness.runContext())) {
            return p.run(request);
        }
    }

    private RunRequest request(Lifecycle lifecycle) {
        return RunRequest.of(script, "hello", false).withLifecycle(lifecycle).withTags(Map.of("team", "infra"))
                .withUserdata(Userdata.ofText("{\"ssh\":{\"port\":22}}", "--userdata"));
    }

    private String device(String state) {
        return """
                {"id":"%s","hostname":"hello","state":"%s","always_pxe":true,"ipxe_script_url":"%s",
                 "metro":{"id":"108b2cfb","code":"sv","name":"Silicon Valley"},
                 "ip_addresses":[{"address_family":4,"public":true,"address":"147.75.0.10"},
                                 {"address_family":6,"public":true,"address":"2604:1380::1"},
                                 {"address_family":4,"public":false,"address":"10.70.1.3"}]}
                """.formatted(DEVICE, state, script);
    }

    private void createAnswers(String... states) {
        metal.stubFor(post(urlEqualTo("/metal/v1/projects/" + PROJECT + "/devices"))
                .willReturn(okJson(device("queued")).withStatus(201)));
        String scenario = STARTED;
        for (int i = 0; i < states.length; i++) {
            String next = i + 1 < states.length ? "poll " + (i + 1) : scenario;
            metal.stubFor(get(urlEqualTo("/metal/v1/devices/" + DEVICE)).inScenario("device")
                    .whenScenarioStateIs(scenario).willSetStateTo(next).willReturn(okJson(device(states[i]))));
            scenario = next;
        }
        metal.stubFor(delete(urlEqualTo("/metal/v1/devices/" + DEVICE)).willReturn(aResponse().withStatus(204)));
    }

    private List<String> calls() {
        return metal.findAll(anyRequestedFor(anyUrl())).stream().map(r -> r.getMethod() + " " + r.getUrl()).toList();
    }

    private static void conforms(LoggedRequest r, Map<String, String> schema, String... required) throws Exception {
        JsonNode body = JSON.readTree(r.getBodyAsString());
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            assertThat(schema).as("field %s is defined by the API", field).containsKey(field);
            assertThat(body.get(field).getNodeType().name()).as("type of %s", field).isEqualTo(schema.get(field));
        }
        assertThat(body.has("facility")).as("facility is deprecated").isFalse();
        for (String f : required) {
            assertThat(body.has(f)).as("required %s", f).isTrue();
        }
    }

    @Test
    void createsACustomIpxeDeviceWaitsForActiveReportsAddressesAndRemovesItWithRm() throws Exception {
        createAnswers("queued", "provisioning", "active");

        RunResult result = run(harness(), request(new Lifecycle(Optional.empty(), true, false, Optional.empty())));

        assertThat(calls()).containsExactly("POST /metal/v1/projects/" + PROJECT + "/devices",
                "GET /metal/v1/devices/" + DEVICE, "GET /metal/v1/devices/" + DEVICE, "GET /metal/v1/devices/" + DEVICE,
                "DELETE /metal/v1/devices/" + DEVICE);
        LoggedRequest create = metal.findAll(anyRequestedFor(anyUrl())).get(0);
        conforms(create, CREATE, "plan", "operating_system");
        assertThat(create.getHeader("X-Auth-Token")).isEqualTo(TOKEN);
        JsonNode body = JSON.readTree(create.getBodyAsString());
        assertThat(body.get("operating_system").asText()).isEqualTo("custom_ipxe");
        assertThat(body.get("ipxe_script_url").asText()).isEqualTo(script);
        assertThat(body.get("always_pxe").asBoolean()).isTrue();
        assertThat(body.get("metro").asText()).isEqualTo("sv");
        assertThat(body.get("plan").asText()).isEqualTo("c3.small.x86");
        assertThat(body.get("billing_cycle").asText()).isEqualTo("hourly");
        assertThat(body.get("hostname").asText()).isEqualTo("hello");
        assertThat(body.get("userdata").asText()).isEqualTo("{\"ssh\":{\"port\":22}}");
        assertThat(body.get("tags")).extracting(JsonNode::asText).containsExactly("team=infra", "kiln:name=hello");
        assertThat(result.state()).isEqualTo("active");
        assertThat(result.location()).isEqualTo("sv");
        assertThat(result.addresses()).containsEntry("public-ipv4", "147.75.0.10")
                .containsEntry("public-ipv6", "2604:1380::1").containsEntry("private-ipv4", "10.70.1.3");
        assertThat(result.removed()).isTrue();
    }

    @Test
    void aTagInKilnsOwnNamespaceIsRefusedBeforeAnyCall() {
        RunRequest request = request(Lifecycle.DEFAULT).withTags(Map.of("kiln:name", "other"));

        assertThatThrownBy(() -> run(harness(), request)).isInstanceOf(KilnException.class)
                .hasMessageContaining("--tag kiln:name").hasMessageContaining("kiln:name=NAME");
        assertThat(calls()).isEmpty();
    }

    @Test
    void aFailedDeviceFailsTheRunAndIsDeleted() throws Exception {
        createAnswers("provisioning", "failed");

        assertThatThrownBy(() -> run(harness(), request(Lifecycle.DEFAULT))).isInstanceOf(KilnException.class)
                .hasMessageContaining("failed").hasMessageContaining("removed device " + DEVICE);
        assertThat(calls()).last().isEqualTo("DELETE /metal/v1/devices/" + DEVICE);
    }

    @Test
    void aDeviceNotActiveWithinTheTimeoutIsDeleted() throws Exception {
        createAnswers("provisioning");
        ProviderHarness harness = harness();
        harness.flag("poll-interval", "20ms");

        assertThatThrownBy(() -> run(harness, request(new Lifecycle(Optional.empty(), false, false,
                Optional.of(Duration.ofMillis(100)))))).isInstanceOf(KilnException.class)
                .hasMessageContaining("active").hasMessageContaining("removed device " + DEVICE);
        assertThat(calls()).last().isEqualTo("DELETE /metal/v1/devices/" + DEVICE);
    }

    @Test
    void ctrlCWhileWaitingForActiveDeletesTheDevice() throws Exception {
        createAnswers("provisioning");
        ProviderHarness harness = harness();
        harness.sleeper(d -> {
            harness.cancel().cancel();
            throw new InterruptedException("Ctrl-C");
        });

        assertThatThrownBy(() -> run(harness, request(Lifecycle.DEFAULT))).isInstanceOf(InterruptedException.class)
                .hasMessageContaining("removed device " + DEVICE);
        assertThat(calls()).containsExactly("POST /metal/v1/projects/" + PROJECT + "/devices",
                "GET /metal/v1/devices/" + DEVICE, "DELETE /metal/v1/devices/" + DEVICE);
    }

    @Test
    void a422IsReportedInTheApisWordsAndAServerErrorIsRetried() throws Exception {
        metal.stubFor(post(urlEqualTo("/metal/v1/projects/" + PROJECT + "/devices")).inScenario("create")
                .whenScenarioStateIs(STARTED).willSetStateTo("again")
                .willReturn(aResponse().withStatus(503).withBody("{\"errors\":[\"busy\"]}")));
        metal.stubFor(post(urlEqualTo("/metal/v1/projects/" + PROJECT + "/devices")).inScenario("create")
                .whenScenarioStateIs("again").willReturn(aResponse().withStatus(422)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"errors\":[\"Plan c3.small.x86 is not available in metro sv\"]}")));

        assertThatThrownBy(() -> run(harness(), request(Lifecycle.DEFAULT))).isInstanceOf(KilnException.class)
                .hasMessageContaining("422").hasMessageContaining("Plan c3.small.x86 is not available in metro sv")
                .hasMessageNotContaining(TOKEN);
        assertThat(calls()).hasSize(2);
    }

    @Test
    void reusesADeviceBySettingItsScriptAndRebootingIt() throws Exception {
        metal.stubFor(put(urlEqualTo("/metal/v1/devices/" + DEVICE)).willReturn(okJson(device("active"))));
        metal.stubFor(post(urlEqualTo("/metal/v1/devices/" + DEVICE + "/actions")).willReturn(aResponse().withStatus(202)));
        metal.stubFor(get(urlEqualTo("/metal/v1/devices/" + DEVICE)).willReturn(okJson(device("active"))));

        RunResult result = run(harness().flag("device", DEVICE), request(Lifecycle.DEFAULT));

        List<LoggedRequest> all = metal.findAll(anyRequestedFor(anyUrl()));
        assertThat(calls()).containsExactly("PUT /metal/v1/devices/" + DEVICE, "POST /metal/v1/devices/" + DEVICE
                + "/actions", "GET /metal/v1/devices/" + DEVICE);
        conforms(all.get(0), UPDATE, "ipxe_script_url", "always_pxe");
        conforms(all.get(1), Map.of("type", "STRING"), "type");
        assertThat(JSON.readTree(all.get(1).getBodyAsString()).get("type").asText()).isEqualTo("reboot");
        assertThat(result.instanceId()).isEqualTo(DEVICE);
        assertThat(result.created()).isEmpty();
    }

    @Test
    void reinstallIsTheOtherWayToReuseADevice() throws Exception {
        metal.stubFor(put(urlEqualTo("/metal/v1/devices/" + DEVICE)).willReturn(okJson(device("active"))));
        metal.stubFor(post(urlEqualTo("/metal/v1/devices/" + DEVICE + "/actions")).willReturn(aResponse().withStatus(202)));
        metal.stubFor(get(urlEqualTo("/metal/v1/devices/" + DEVICE)).willReturn(okJson(device("active"))));

        run(harness().flag("device", DEVICE).flag("reinstall", "true"), request(Lifecycle.DEFAULT));

        metal.verify(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                urlEqualTo("/metal/v1/devices/" + DEVICE + "/actions")).withRequestBody(equalTo("{\"type\":\"reinstall\"}")));
    }

    @Test
    void refusesIpxeUserdataDisksAndAMissingTokenBeforeAnyCall() {
        RunRequest ipxe = RunRequest.of(script, "hello", false).withUserdata(Userdata.ofText("#!ipxe\nchain x", "x"));
        assertThatThrownBy(() -> run(harness(), ipxe)).isInstanceOf(KilnException.class)
                .hasMessageContaining("ipxe_script_url");
        assertThatThrownBy(() -> run(harness(), RunRequest.of(script, "hello", false)
                .withDisks(List.of(dev.kiln.api.DiskRequest.parse("size=10G", java.util.Set.of("size"), true)))))
                .isInstanceOf(KilnException.class).hasMessageContaining("block storage ended in 2021");
        ProviderHarness noToken = new ProviderHarness(new PacketProviderFactory(), tmp).flag("project", PROJECT)
                .flag("metro", "sv").flag("api-url", metal.baseUrl());
        assertThatThrownBy(() -> run(noToken, RunRequest.of(script, "hello", false)))
                .isInstanceOf(KilnException.class).hasMessageContaining("METAL_AUTH_TOKEN");
        assertThat(calls()).isEmpty();
    }

    /** A port nothing listens on now, for a --serve address the pushed script can name beforehand. */
    private static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static int status(String url, String method) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(url)).method(method, java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -2;
        }
    }

    @Test
    void serveServesThePushedFolderWhileTheDeviceProvisionsAndStopsAtTheEnd() throws Exception {
        int port = freePort();
        String base = "http://127.0.0.1:" + port;
        Path served = Files.createDirectories(tmp.resolve("served"));
        pushed(served, base);
        script = base + "/hello-equinixmetal.ipxe";
        createAnswers("provisioning", "active");
        List<Integer> duringTheWait = new java.util.concurrent.CopyOnWriteArrayList<>();
        ProviderHarness harness = harness().flag("serve", "127.0.0.1:" + port);
        harness.sleeper(d -> {
            duringTheWait.add(status(base + "/hello-kernel", "GET"));
            duringTheWait.add(status(base + "/hello-initrd.img", "GET"));
        });

        RunResult result = run(harness, RunRequest.of(served.resolve("hello-equinixmetal.ipxe").toString(), "hello",
                false));

        JsonNode create = JSON.readTree(metal.findAll(anyRequestedFor(anyUrl())).get(0).getBodyAsString());
        assertThat(create.get("ipxe_script_url").asText()).isEqualTo(script);
        assertThat(duringTheWait).as("the files answered while the device provisioned").containsOnly(200)
                .isNotEmpty();
        assertThat(status(script, "HEAD")).as("the server stopped with the run").isEqualTo(-1);
        assertThat(result.state()).isEqualTo("active");
        assertThat(harness.events().text().lines()).anyMatch(l -> l.contains("\"HEAD /hello-equinixmetal.ipxe\" 200"))
                .anyMatch(l -> l.contains("\"HEAD /hello-kernel\" 200"))
                .anyMatch(l -> l.contains("\"GET /hello-kernel\" 200"))
                .anyMatch(l -> l.contains("stopped serving"));
    }

    @Test
    void ctrlCWhileServingStopsTheServerAndDeletesTheDevice() throws Exception {
        int port = freePort();
        String base = "http://127.0.0.1:" + port;
        Path served = Files.createDirectories(tmp.resolve("served"));
        pushed(served, base);
        script = base + "/hello-equinixmetal.ipxe";
        createAnswers("provisioning");
        ProviderHarness harness = harness().flag("serve", "127.0.0.1:" + port);
        List<Integer> beforeCtrlC = new java.util.concurrent.CopyOnWriteArrayList<>();
        harness.sleeper(d -> {
            beforeCtrlC.add(status(script, "HEAD"));
            harness.cancel().cancel();
            throw new InterruptedException("Ctrl-C");
        });

        assertThatThrownBy(() -> run(harness, RunRequest.of(served.resolve("hello-equinixmetal.ipxe").toString(),
                "hello", false))).isInstanceOf(InterruptedException.class).hasMessageContaining("removed device " + DEVICE);
        assertThat(beforeCtrlC).containsExactly(200);
        assertThat(status(script, "HEAD")).as("the server stopped on Ctrl-C").isEqualTo(-1);
        assertThat(calls()).last().isEqualTo("DELETE /metal/v1/devices/" + DEVICE);
    }

    @Test
    void aScriptWhoseKernelIsMissingFailsBeforeAnyApiCall() throws Exception {
        Files.delete(www.resolve("hello-kernel"));

        assertThatThrownBy(() -> run(harness(), request(Lifecycle.DEFAULT))).isInstanceOf(KilnException.class)
                .hasMessageContaining("kernel " + script.replace("equinixmetal.ipxe", "kernel") + " answered 404")
                .hasMessageContaining("--skip-url-check");
        assertThatThrownBy(() -> run(harness(), RunRequest.of(script.replace("hello-", "gone-"), "hello", false)))
                .isInstanceOf(KilnException.class).hasMessageContaining("script").hasMessageContaining("404");
        assertThat(calls()).isEmpty();
    }

    @Test
    void skipUrlCheckBootsAUrlOnlyTheDevicesNetworkReaches() throws Exception {
        script = "http://10.255.255.1:1/hello-equinixmetal.ipxe";
        createAnswers("active");

        RunResult result = run(harness().flag("skip-url-check", "true"), request(Lifecycle.DEFAULT));

        assertThat(result.state()).isEqualTo("active");
        assertThat(JSON.readTree(metal.findAll(anyRequestedFor(anyUrl())).get(0).getBodyAsString())
                .get("ipxe_script_url").asText()).isEqualTo(script);
    }

    @Test
    void serveRefusesWaitNoneAnAddressWithoutAHostAndAUrlForImage() throws Exception {
        String file = www.resolve("hello-equinixmetal.ipxe").toString();
        assertThatThrownBy(() -> run(harness().flag("serve", "127.0.0.1:0"), RunRequest.of(file, "hello", false)
                .withLifecycle(new Lifecycle(Optional.of(Lifecycle.Wait.NONE), false, false, Optional.empty()))))
                .isInstanceOf(KilnException.class).hasMessageContaining("--wait none");
        assertThatThrownBy(() -> run(harness().flag("serve", ":0"), RunRequest.of(file, "hello", false)))
                .isInstanceOf(KilnException.class).hasMessageContaining("--base-url");
        assertThatThrownBy(() -> run(harness().flag("serve", "127.0.0.1:0"), RunRequest.of(script, "hello", false)))
                .isInstanceOf(KilnException.class).hasMessageContaining("--destination DIR");
        assertThat(calls()).isEmpty();
    }

    @Test
    void diskIsRefusedWithTheReasonTheProviderDeclaresToTheSpi() {
        assertThatThrownBy(() -> dev.kiln.spi.RunChecks.disks(List.of("size=10G"),
                new PacketProviderFactory().runSupport(), "packet")).isInstanceOf(KilnException.class)
                .hasMessage("run packet does not take --disk: the Metal API has no attachable volumes since its "
                        + "block storage ended in 2021");
    }

    @Test
    void aGetThatGetsNoAnswerInTimeIsAskedAgain() throws Exception {
        createAnswers("active");
        metal.stubFor(get(urlEqualTo("/metal/v1/devices/" + DEVICE)).inScenario("slow").whenScenarioStateIs(STARTED)
                .willSetStateTo("answered").willReturn(okJson(device("provisioning")).withFixedDelay(3000)));
        metal.stubFor(get(urlEqualTo("/metal/v1/devices/" + DEVICE)).inScenario("slow").whenScenarioStateIs("answered")
                .willReturn(okJson(device("active"))));
        ProviderHarness harness = harness().flag("api-timeout", "300ms");
        harness.sleeper(d -> { });

        RunResult result = run(harness, request(Lifecycle.DEFAULT));

        assertThat(result.state()).isEqualTo("active");
        assertThat(calls()).filteredOn(c -> c.startsWith("POST")).hasSize(1);
    }

    @Test
    void aCreateThatGetsNoAnswerInTimeIsNotSentAgainAndTheErrorSaysWhereToLook() throws Exception {
        metal.stubFor(post(urlEqualTo("/metal/v1/projects/" + PROJECT + "/devices"))
                .willReturn(okJson(device("queued")).withStatus(201).withFixedDelay(3000)));
        ProviderHarness harness = harness().flag("api-timeout", "300ms");
        harness.sleeper(d -> { });

        assertThatThrownBy(() -> run(harness, request(Lifecycle.DEFAULT))).isInstanceOf(KilnException.class)
                .hasMessageContaining("no answer came within 300 ms")
                .hasMessageContaining("look for hostname hello in project " + PROJECT);
        metal.verify(1, com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                urlEqualTo("/metal/v1/projects/" + PROJECT + "/devices")));
    }
}
