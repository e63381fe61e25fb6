package dev.kiln.gcp;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.kiln.api.KilnException;
import dev.kiln.api.Lifecycle;
import dev.kiln.api.Userdata;
import dev.kiln.spi.RunChecks;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.RunResult;
import dev.kiln.testkit.ProviderHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.kiln.gcp.GcpFake.COMPUTE;
import static dev.kiln.gcp.GcpFake.operation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GcpRunTest {

    private static final String ZONE = COMPUTE + "/zones/europe-west1-d";
    private static final String USERDATA = "{\"hello\":{\"content\":\"caf\u00e9 \\\"quoted\\\"\\n\"}}\nline two\twith tab\n";

    @TempDir
    Path tmp;

    private GcpFake gcp;
    private ProviderHarness harness;

    @BeforeEach
    void start() throws Exception {
        gcp = new GcpFake(tmp);
        harness = gcp.harness();
        gcp.stub(post(urlPathEqualTo(ZONE + "/instances")).willReturn(okJson(
                operation("operation-run-1", "RUNNING", 0, "zones/europe-west1-d/instances/hello", "zones/europe-west1-d"))));
        gcp.stub(get(urlPathEqualTo(ZONE + "/operations/operation-run-1")).willReturn(okJson(
                operation("operation-run-1", "DONE", 100, "zones/europe-west1-d/instances/hello", "zones/europe-west1-d"))));
    }

    @AfterEach
    void stop() {
        gcp.close();
    }

    /** An instance as instances.get returns it (cloud.google.com/compute/docs/reference/rest/v1/instances). */
    static String instance(String status) {
        return "{\"kind\":\"compute#instance\",\"id\":\"4567890123456789012\",\"name\":\"hello\",\"status\":\"" + status
                + "\",\"zone\":\"https://www.googleapis.com/compute/v1/projects/kiln-test/zones/europe-west1-d\","
                + "\"machineType\":\"https://www.googleapis.com/compute/v1/projects/kiln-test/zones/europe-west1-d/machineTypes/e2-small\","
                + "\"networkInterfaces\":[{\"network\":\"https://www.googleapis.com/compute/v1/projects/kiln-test/global/networks/default\","
                + "\"networkIP\":\"10.132.0.7\",\"name\":\"nic0\",\"accessConfigs\":[{\"type\":\"ONE_TO_ONE_NAT\","
                + "\"name\":\"External NAT\",\"natIP\":\"34.76.12.34\",\"networkTier\":\"PREMIUM\"}]}]}";
    }

    private void instanceStates(String... states) {
        for (int i = 0; i < states.length; i++) {
            var stub = get(urlPathEqualTo(ZONE + "/instances/hello")).inScenario("life")
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "s" + i).willReturn(okJson(instance(states[i])));
            gcp.stub(i < states.length - 1 ? stub.willSetStateTo("s" + (i + 1)) : stub);
        }
    }

    private RunRequest request = RunRequest.of("hello", "hello", false);

    private RunResult run() throws Exception {
        try (GcpProvider provider = gcp.provider(harness.runContext())) {
            return provider.run(request);
        }
    }

    /** --wait, --rm and --keep as the CLI hands them over. */
    private void lifecycle(Lifecycle.Wait wait, boolean rm, boolean keep) {
        request = request.withLifecycle(new Lifecycle(Optional.of(wait), rm, keep, Optional.empty()));
    }

    private List<LoggedRequest> requests(String method, String path) {
        return gcp.requests().stream().filter(r -> r.getMethod().getName().equals(method)
                && r.getUrl().split("\\?")[0].equals(path)).toList();
    }

    @Test
    void insertsTheInstanceWithTheUserdataExactlyAndTheExtraDisks() throws Exception {
        instanceStates("PROVISIONING", "STAGING", "RUNNING");
        Path userdata = Files.writeString(tmp.resolve("userdata.json"), USERDATA);
        harness.flag("spot", "true");
        GcpProviderFactory factory = new GcpProviderFactory();
        request = request.withUserdata(Userdata.of(Files.readAllBytes(userdata), "--userdata-file " + userdata))
                .withDisks(RunChecks.disks(List.of("size=10G,type=pd-ssd", "size=1T"), factory.runSupport(), "gcp"))
                .withTags(Map.of("team", "infra"));

        RunResult result = run();

        JsonObject body = GcpFake.json(requests("POST", ZONE + "/instances").get(0));
        assertThat(body.get("machineType").getAsString()).isEqualTo("zones/europe-west1-d/machineTypes/e2-small");
        JsonArray items = body.getAsJsonObject("metadata").getAsJsonArray("items");
        assertThat(items.get(0).getAsJsonObject().get("key").getAsString()).isEqualTo("user-data");
        assertThat(items.get(0).getAsJsonObject().get("value").getAsString()).isEqualTo(USERDATA);
        assertThat(items.toString()).contains("serial-port-enable");
        JsonArray disks = body.getAsJsonArray("disks");
        assertThat(disks).hasSize(3);
        JsonObject boot = disks.get(0).getAsJsonObject();
        assertThat(boot.get("boot").getAsBoolean()).isTrue();
        assertThat(boot.getAsJsonObject("initializeParams").get("sourceImage").getAsString())
                .isEqualTo("projects/kiln-test/global/images/hello");
        JsonObject first = disks.get(1).getAsJsonObject();
        assertThat(first.get("autoDelete").getAsBoolean()).isTrue();
        assertThat(first.getAsJsonObject("initializeParams").get("diskSizeGb").getAsString()).isEqualTo("10");
        assertThat(first.getAsJsonObject("initializeParams").get("diskType").getAsString())
                .isEqualTo("zones/europe-west1-d/diskTypes/pd-ssd");
        assertThat(disks.get(2).getAsJsonObject().getAsJsonObject("initializeParams").get("diskSizeGb").getAsString())
                .isEqualTo("1024");
        assertThat(body.getAsJsonObject("scheduling").get("provisioningModel").getAsString()).isEqualTo("SPOT");
        assertThat(body.getAsJsonObject("labels").get("team").getAsString()).isEqualTo("infra");
        assertThat(body.getAsJsonObject("labels").get("kiln-name").getAsString()).isEqualTo("hello");
        assertThat(body.getAsJsonObject("labels").get("kiln-image").getAsString()).isEqualTo("hello");
        for (int d = 0; d < 3; d++) {
            assertThat(disks.get(d).getAsJsonObject().getAsJsonObject("initializeParams").getAsJsonObject("labels")
                    .get("kiln-name").getAsString()).as("disk " + d + ", which kiln rm deletes with it").isEqualTo("hello");
        }
        assertThat(body.getAsJsonArray("networkInterfaces").toString()).contains("ONE_TO_ONE_NAT");
        assertThat(result.state()).isEqualTo("running");
        assertThat(result.addresses()).containsEntry("public_ipv4", "34.76.12.34")
                .containsEntry("private_ipv4", "10.132.0.7");
        assertThat(result.created()).extracting(r -> r.id()).contains(
                "projects/kiln-test/zones/europe-west1-d/instances/hello",
                "projects/kiln-test/zones/europe-west1-d/disks/hello-disk-1",
                "projects/kiln-test/zones/europe-west1-d/disks/hello-disk-2");
        assertThat(harness.events().text()).doesNotContain("line two");
    }

    @Test
    void rmWaitsForTheGuestToStopThenDeletesTheInstanceAndTheDisksItMade() throws Exception {
        instanceStates("RUNNING", "RUNNING", "TERMINATED");
        gcp.stub(delete(urlPathEqualTo(ZONE + "/instances/hello")).willReturn(okJson(
                operation("operation-del-1", "DONE", 100, "zones/europe-west1-d/instances/hello", "zones/europe-west1-d"))));
        gcp.stub(get(urlPathEqualTo(ZONE + "/disks/hello")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json").withBody(GcpFake.apiError(404, "notFound", "gone"))));
        gcp.stub(get(urlPathEqualTo(ZONE + "/disks/hello-disk-1")).willReturn(okJson(
                "{\"kind\":\"compute#disk\",\"name\":\"hello-disk-1\",\"sizeGb\":\"10\",\"status\":\"READY\"}")));
        gcp.stub(delete(urlPathEqualTo(ZONE + "/disks/hello-disk-1")).willReturn(okJson(
                operation("operation-del-2", "DONE", 100, "zones/europe-west1-d/disks/hello-disk-1", "zones/europe-west1-d"))));
        request = request.withDisks(RunChecks.disks(List.of("size=10G"), new GcpProviderFactory().runSupport(), "gcp"));
        lifecycle(Lifecycle.Wait.STOPPED, true, false);

        RunResult result = run();

        assertThat(result.removed()).isTrue();
        assertThat(result.state()).isEqualTo("terminated");
        assertThat(requests("DELETE", ZONE + "/instances/hello")).hasSize(1);
        assertThat(requests("DELETE", ZONE + "/disks/hello-disk-1")).hasSize(1);
        assertThat(requests("DELETE", ZONE + "/disks/hello")).isEmpty();
    }

    @Test
    void serialConsoleStreamsThroughGetSerialPortOutput() throws Exception {
        instanceStates("RUNNING", "RUNNING", "TERMINATED");
        String port = ZONE + "/instances/hello/serialPort";
        gcp.stub(get(urlPathEqualTo(port)).inScenario("console").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("more").willReturn(okJson("{\"kind\":\"compute#serialPortOutput\",\"contents\":"
                        + "\"SeaBIOS (version 1.8.2)\\r\\nBooting from Hard Disk 0...\\r\\nWelcome to Lin\",\"start\":\"0\",\"next\":\"61\"}")));
        gcp.stub(get(urlPathEqualTo(port)).inScenario("console").whenScenarioStateIs("more")
                .willReturn(okJson("{\"kind\":\"compute#serialPortOutput\",\"contents\":\"uxKit\\n\",\"start\":\"61\",\"next\":\"67\"}")));
        harness.flag("serial-console", "true");

        run();

        assertThat(harness.events().text()).contains("INFO SeaBIOS (version 1.8.2)\n", "INFO Welcome to LinuxKit\n");
        assertThat(requests("GET", port).get(1).queryParameter("start").firstValue()).isEqualTo("61");
    }

    @Test
    void serialLogSavesTheConsoleOutputAcrossPagesToAFile() throws Exception {
        instanceStates("RUNNING", "RUNNING", "TERMINATED");
        String port = ZONE + "/instances/hello/serialPort";
        serialPage(port, "0", "SeaBIOS (version 1.8.2)\\r\\nBooting from Hard Disk 0...\\r\\nWelcome to Lin", "61");
        serialPage(port, "61", "uxKit\\n\\u00e9t\\u00e9 ok", "72");
        serialPage(port, "72", "", "72");
        Path log = tmp.resolve("console.log");
        harness.flag("serial-log", log.toString());

        run();

        assertThat(Files.readString(log)).isEqualTo(
                "SeaBIOS (version 1.8.2)\r\nBooting from Hard Disk 0...\r\nWelcome to LinuxKit\n\u00e9t\u00e9 ok");
        assertThat(requests("GET", port)).extracting(r -> r.queryParameter("start").firstValue())
                .containsExactly("0", "61", "72");
        assertThat(harness.events().text()).contains("INFO Welcome to LinuxKit\n", "INFO \u00e9t\u00e9 ok\n");
    }

    @Test
    void aSerialLogInAMissingFolderIsRefusedBeforeAnythingIsMade() throws Exception {
        harness.flag("serial-log", tmp.resolve("no/such/console.log").toString());

        assertThatThrownBy(this::run).hasMessageContaining("does not exist");
        assertThat(gcp.calls()).isEmpty();
    }

    /** One answer of getSerialPortOutput for {@code start}, shaped like the API reference's example. */
    private void serialPage(String port, String start, String contents, String next) {
        gcp.stub(get(urlPathEqualTo(port)).withQueryParam("start", equalTo(start)).willReturn(okJson(
                "{\"kind\":\"compute#serialPortOutput\",\"contents\":\"" + contents + "\",\"start\":\"" + start
                        + "\",\"next\":\"" + next + "\",\"selfLink\":\"https://www.googleapis.com/compute/v1/projects/"
                        + "kiln-test/zones/europe-west1-d/instances/hello/serialPort\"}")));
    }

    @Test
    void shieldedVmOptionsAreRefusedWhenTheImageLacksUefiCompatible() throws Exception {
        gcp.stub(get(urlPathEqualTo(COMPUTE + "/global/images/hello")).willReturn(okJson(
                "{\"kind\":\"compute#image\",\"name\":\"hello\",\"status\":\"READY\",\"guestOsFeatures\":"
                        + "[{\"type\":\"VIRTIO_SCSI_MULTIQUEUE\"}]}")));
        harness.flag("secure-boot", "true");

        assertThatThrownBy(this::run).isInstanceOf(KilnException.class).hasMessageContaining("UEFI_COMPATIBLE")
                .hasMessageContaining("Shielded VM");
        assertThat(requests("POST", ZONE + "/instances")).isEmpty();
    }

    @Test
    void anInterruptWhileWaitingDeletesTheInstanceUnlessKeep() throws Exception {
        instanceStates("RUNNING", "RUNNING");
        gcp.stub(delete(urlPathEqualTo(ZONE + "/instances/hello")).willReturn(okJson(
                operation("operation-del-1", "DONE", 100, "zones/europe-west1-d/instances/hello", "zones/europe-west1-d"))));
        gcp.stub(get(urlPathEqualTo(ZONE + "/disks/hello")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json").withBody(GcpFake.apiError(404, "notFound", "gone"))));
        lifecycle(Lifecycle.Wait.STOPPED, false, false);
        gcp.time.interruptOnSleep(1);

        assertThatThrownBy(this::run).isInstanceOf(KilnException.class).hasMessageContaining("interrupted")
                .hasMessageContaining("removed instance hello");
        assertThat(requests("DELETE", ZONE + "/instances/hello")).hasSize(1);
    }

    @Test
    void keepLeavesTheInstanceAfterAnInterrupt() throws Exception {
        instanceStates("RUNNING", "RUNNING");
        lifecycle(Lifecycle.Wait.STOPPED, false, true);
        gcp.time.interruptOnSleep(1);

        assertThatThrownBy(this::run).isInstanceOf(KilnException.class).hasMessageContaining("kept instance");
        assertThat(requests("DELETE", ZONE + "/instances/hello")).isEmpty();
    }

    @Test
    void waitNoneReturnsOnceTheInsertIsDoneWithoutWaitingForRunning() throws Exception {
        instanceStates("PROVISIONING", "RUNNING");
        lifecycle(Lifecycle.Wait.NONE, false, false);

        RunResult result = run();

        assertThat(result.state()).isEqualTo("provisioning");
        assertThat(requests("GET", ZONE + "/instances/hello")).hasSize(1);
        assertThat(gcp.time.sleeps()).as("only the wait for the insert operation").containsOnly(WaitOperation.INTERVAL);
    }

    @Test
    void aTimeoutEndsTheWaitForRunningAndRemovesTheInstance() throws Exception {
        instanceStates("STAGING");
        gcp.stub(delete(urlPathEqualTo(ZONE + "/instances/hello")).willReturn(okJson(
                operation("operation-del-1", "DONE", 100, "zones/europe-west1-d/instances/hello", "zones/europe-west1-d"))));
        gcp.stub(get(urlPathEqualTo(ZONE + "/disks/hello")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json").withBody(GcpFake.apiError(404, "notFound", "gone"))));
        request = request.withLifecycle(new Lifecycle(Optional.empty(), false, false,
                Optional.of(java.time.Duration.ofMinutes(1))));

        assertThatThrownBy(this::run).isInstanceOf(KilnException.class).hasMessageContaining("1 min")
                .hasMessageContaining("--timeout").hasMessageContaining("removed instance hello");
        assertThat(gcp.time.elapsed()).isBetween(java.time.Duration.ofMinutes(1), java.time.Duration.ofMinutes(2));
    }
}
