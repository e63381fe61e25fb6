package dev.kiln.azure;

import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.kiln.api.KilnException;
import dev.kiln.api.Lifecycle;
import dev.kiln.api.Userdata;
import dev.kiln.spi.Provider;
import dev.kiln.spi.RunChecks;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.RunResult;
import dev.kiln.testkit.FakeTime;
import dev.kiln.testkit.ProviderHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * run azure against ARM as an HTTPS WireMock stand-in answering like the REST reference's examples: network PUTs
 * answer the resource Succeeded, the VM PUT answers 201 Creating, and the VM's instance view moves on one GET at a
 * time (a WireMock scenario). Waits run on {@link FakeTime}.
 */
class AzureRunTest {

    static final String NET = "/subscriptions/" + ArmStandIn.SUBSCRIPTION + "/resourceGroups/" + ArmStandIn.GROUP
            + "/providers/Microsoft.Network";
    static final String VM = ArmStandIn.group() + "/virtualMachines/hello";
    static final String VERSION_ID = ArmStandIn.group() + "/galleries/kiln/images/hello/versions/1.0.0";
    static final String USERDATA = "{\"app\":\"hello\"}";

    @TempDir
    static Path shared;
    static ArmStandIn arm;
    /** Runs after ARM answered each request: a test's Ctrl-C at a chosen call. */
    static volatile java.util.function.Consumer<String> afterCall = c -> { };

    @TempDir
    Path tmp;
    ProviderHarness harness;
    FakeTime time;

    @BeforeAll
    static void start() throws Exception {
        arm = new ArmStandIn(Files.createDirectories(shared.resolve("arm")));
        arm.server.addMockServiceRequestListener((request, response) ->
                afterCall.accept(request.getMethod() + " " + request.getUrl().replaceAll("\\?.*", "")));
    }

    @AfterAll
    static void stop() {
        if (arm != null) {
            arm.close();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        arm.reset();
        afterCall = c -> { };
        time = new FakeTime();
        harness = arm.harness(tmp.resolve("work"))
                .clock(time).sleeper(time);
        stubNetwork();
        specializedVersion();
    }

    RunResult run(RunRequest request) throws InterruptedException {
        try (Provider p = new AzureProviderFactory().create(harness.runContext())) {
            return p.run(request);
        }
    }

    static RunRequest request(String image, Lifecycle.Wait wait, boolean rm, String... disks) {
        return RunRequest.of(image, "hello", false)
                .withUserdata(Userdata.ofText(USERDATA, "--userdata"))
                .withDisks(RunChecks.disks(List.of(disks), new AzureProviderFactory().runSupport(), "azure"))
                .withLifecycle(new Lifecycle(Optional.of(wait), rm, false, Optional.of(Duration.ofMinutes(10))))
                .withTags(Map.of("team", "infra"));
    }

    // ---- the stand-in's answers

    void stubNetwork() {
        for (String type : List.of("networkSecurityGroups", "virtualNetworks", "publicIPAddresses", "networkInterfaces")) {
            arm.stub(put(urlPathMatching(NET + "/" + type + "/[^/]+")).willReturn(ArmStandIn.resource(200)));
            arm.stub(delete(urlPathMatching(NET + "/" + type + "/[^/]+")).willReturn(aResponse().withStatus(200)));
        }
        arm.stub(get(urlPathEqualTo(NET + "/networkInterfaces/hello-nic")).willReturn(ArmStandIn.json(200,
                "{\"id\":\"{{request.path}}\",\"name\":\"hello-nic\",\"properties\":{\"provisioningState\":\"Succeeded\","
                        + "\"ipConfigurations\":[{\"name\":\"ipconfig1\",\"properties\":{\"privateIPAddress\":\"10.0.0.4\"}}]}}")));
        arm.stub(get(urlPathEqualTo(NET + "/publicIPAddresses/hello-ip")).willReturn(ArmStandIn.json(200,
                "{\"id\":\"{{request.path}}\",\"name\":\"hello-ip\",\"properties\":{\"provisioningState\":\"Succeeded\","
                        + "\"ipAddress\":\"20.31.4.5\"}}")));
        arm.stub(patch(urlPathMatching(ArmStandIn.group() + "/disks/[^/]+")).willReturn(ArmStandIn.resource(200)));
        arm.stub(delete(urlPathEqualTo(VM)).willReturn(aResponse().withStatus(200)));
    }

    void specializedVersion() {
        arm.stub(get(urlPathEqualTo(ArmStandIn.group() + "/galleries/kiln/images/hello")).willReturn(ArmStandIn.json(200,
                "{\"id\":\"{{request.path}}\",\"name\":\"hello\",\"location\":\"westeurope\",\"properties\":{"
                        + "\"osType\":\"Linux\",\"osState\":\"Specialized\",\"hyperVGeneration\":\"V2\",\"identifier\":"
                        + "{\"publisher\":\"kiln\",\"offer\":\"hello\",\"sku\":\"default\"},\"provisioningState\":\"Succeeded\"}}")));
    }

    /** The VM's GETs: 404 until the PUT, then each of {@code states} in turn, the last one for good. */
    void vm(String... states) {
        String scenario = "vm";
        arm.stub(get(urlPathEqualTo(VM)).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(ArmStandIn.notFound("Microsoft.Compute/virtualMachines/hello")));
        arm.stub(put(urlPathEqualTo(VM)).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("0").willReturn(ArmStandIn.json(201, "{\"id\":\"" + VM + "\",\"name\":\"hello\","
                        + "\"location\":\"westeurope\",\"properties\":{\"provisioningState\":\"Creating\"}}")
                        .withHeader("Azure-AsyncOperation", arm.url() + "subscriptions/" + ArmStandIn.SUBSCRIPTION
                                + "/providers/Microsoft.Compute/locations/westeurope/operations/vm-1")));
        for (int i = 0; i < states.length; i++) {
            var answer = get(urlPathEqualTo(VM)).inScenario(scenario).whenScenarioStateIs(String.valueOf(i));
            if (i + 1 < states.length) {
                answer = answer.willSetStateTo(String.valueOf(i + 1));
            }
            arm.stub(answer.willReturn(ArmStandIn.json(200, vmBody(states[i]))));
        }
    }

    static String vmBody(String state) {
        String provisioning = switch (state) {
            case "creating" -> "Creating";
            case "failed" -> "Failed";
            default -> "Succeeded";
        };
        String statuses = switch (state) {
            case "creating" -> "{\"code\":\"ProvisioningState/creating\"}";
            case "failed" -> "{\"code\":\"ProvisioningState/failed/OSProvisioningTimedOut\",\"message\":\"OS "
                    + "Provisioning for VM 'hello' did not finish in the allotted time.\"}";
            default -> "{\"code\":\"ProvisioningState/succeeded\"},{\"code\":\"PowerState/" + state + "\"}";
        };
        return "{\"id\":\"" + VM + "\",\"name\":\"hello\",\"location\":\"westeurope\",\"properties\":{"
                + "\"provisioningState\":\"" + provisioning + "\",\"storageProfile\":{\"osDisk\":{\"name\":\"hello-osdisk\","
                + "\"createOption\":\"FromImage\"},\"dataDisks\":[{\"lun\":0,\"name\":\"hello-data0\",\"createOption\":"
                + "\"Empty\"},{\"lun\":1,\"name\":\"scratch\",\"createOption\":\"Empty\"}]},"
                + "\"instanceView\":{\"statuses\":[" + statuses + "]}}}";
    }

    List<String> calls() {
        return arm.calls().stream().filter(c -> !c.contains("oauth2")).toList();
    }

    List<String> mutations() {
        return calls().stream().filter(c -> !c.startsWith("GET ")).toList();
    }

    static String body(List<LoggedRequest> requests) {
        assertThat(requests).hasSize(1);
        return requests.get(0).getBodyAsString();
    }

    // ---- the tests

    @Test
    void aGalleryVersionRunsWithUserdataDisksTagsAndDeleteOptionsOnEverything() throws Exception {
        vm("creating", "running");
        harness.flag("allow", "22", "8080");

        RunResult result = run(request(VERSION_ID, Lifecycle.Wait.RUNNING, false, "size=10G,type=Premium_LRS",
                "size=1T,name=scratch"));

        assertThat(arm.unmatched()).isEmpty();
        assertThat(mutations()).containsExactly(
                "PUT " + NET + "/networkSecurityGroups/hello-nsg",
                "PUT " + NET + "/virtualNetworks/hello-vnet",
                "PUT " + NET + "/publicIPAddresses/hello-ip",
                "PUT " + NET + "/networkInterfaces/hello-nic",
                "PUT " + VM,
                "PATCH " + ArmStandIn.group() + "/disks/hello-osdisk",
                "PATCH " + ArmStandIn.group() + "/disks/hello-data0",
                "PATCH " + ArmStandIn.group() + "/disks/scratch");
        String userData = Base64.getEncoder().encodeToString(USERDATA.getBytes(StandardCharsets.UTF_8));
        arm.server.verify(putRequestedFor(urlPathEqualTo(VM))
                .withHeader("Authorization", equalTo("Bearer arm-token-1"))
                .withRequestBody(matchingJsonPath("$.location", equalTo("westeurope")))
                .withRequestBody(matchingJsonPath("$.properties.userData", equalTo(userData)))
                .withRequestBody(matchingJsonPath("$.properties.hardwareProfile.vmSize", equalTo("Standard_B2s")))
                .withRequestBody(matchingJsonPath("$.properties.storageProfile.imageReference.id", equalTo(VERSION_ID)))
                .withRequestBody(matchingJsonPath("$.properties.storageProfile.osDisk.createOption", equalTo("FromImage")))
                .withRequestBody(matchingJsonPath("$.properties.storageProfile.osDisk.deleteOption", equalTo("Delete")))
                .withRequestBody(matchingJsonPath("$.properties.storageProfile.osDisk.managedDisk.storageAccountType",
                        equalTo("StandardSSD_LRS")))
                .withRequestBody(matchingJsonPath("$.properties.storageProfile.dataDisks[0].lun", equalTo("0")))
                .withRequestBody(matchingJsonPath("$.properties.storageProfile.dataDisks[0].createOption", equalTo("Empty")))
                .withRequestBody(matchingJsonPath("$.properties.storageProfile.dataDisks[0].diskSizeGB", equalTo("10")))
                .withRequestBody(matchingJsonPath("$.properties.storageProfile.dataDisks[0].managedDisk.storageAccountType",
                        equalTo("Premium_LRS")))
                .withRequestBody(matchingJsonPath("$.properties.storageProfile.dataDisks[0].deleteOption", equalTo("Delete")))
                .withRequestBody(matchingJsonPath("$.properties.storageProfile.dataDisks[1].lun", equalTo("1")))
                .withRequestBody(matchingJsonPath("$.properties.storageProfile.dataDisks[1].name", equalTo("scratch")))
                .withRequestBody(matchingJsonPath("$.properties.storageProfile.dataDisks[1].diskSizeGB", equalTo("1024")))
                .withRequestBody(matchingJsonPath("$.properties.storageProfile.dataDisks[1].deleteOption", equalTo("Delete")))
                .withRequestBody(matchingJsonPath("$.properties.networkProfile.networkInterfaces[0].id",
                        equalTo(NET + "/networkInterfaces/hello-nic")))
                .withRequestBody(matchingJsonPath("$.properties.networkProfile.networkInterfaces[0].properties.deleteOption",
                        equalTo("Delete")))
                .withRequestBody(matchingJsonPath("$.properties.diagnosticsProfile.bootDiagnostics.enabled", equalTo("true")))
                .withRequestBody(matchingJsonPath("$.properties.osProfile", absent()))
                .withRequestBody(matchingJsonPath("$.tags['kiln:run']", equalTo("hello")))
                .withRequestBody(matchingJsonPath("$.tags.team", equalTo("infra"))));
        String ip = body(arm.find(RequestMethod.PUT, NET + "/publicIPAddresses/.*"));
        assertThat(ip).contains("\"deleteOption\":\"Delete\"").contains("\"kiln:run\":\"hello\"")
                .contains("\"publicIPAllocationMethod\":\"Static\"").contains("\"name\":\"Standard\"");
        String nsg = body(arm.find(RequestMethod.PUT, NET + "/networkSecurityGroups/.*"));
        assertThat(nsg).contains("\"destinationPortRange\":\"22\"").contains("\"destinationPortRange\":\"8080\"")
                .contains("\"access\":\"Allow\"").contains("\"direction\":\"Inbound\"").contains("\"kiln:run\":\"hello\"");
        String nic = body(arm.find(RequestMethod.PUT, NET + "/networkInterfaces/.*"));
        assertThat(nic).contains(NET + "/virtualNetworks/hello-vnet/subnets/default")
                .contains(NET + "/publicIPAddresses/hello-ip").contains(NET + "/networkSecurityGroups/hello-nsg")
                .contains("\"kiln:run\":\"hello\"");
        assertThat(body(arm.find(RequestMethod.PUT, NET + "/virtualNetworks/.*"))).contains("\"kiln:run\":\"hello\"");
        for (LoggedRequest tag : arm.find(RequestMethod.PATCH, ArmStandIn.group() + "/disks/.*")) {
            assertThat(tag.getBodyAsString()).contains("\"kiln:run\":\"hello\"").contains("\"team\":\"infra\"");
        }

        assertThat(result.state()).isEqualTo("running");
        assertThat(result.addresses()).containsEntry("public_ipv4", "20.31.4.5").containsEntry("private_ipv4", "10.0.0.4");
        assertThat(result.instanceId()).isEqualTo(VM);
        assertThat(result.created()).extracting(r -> r.id()).contains(VM, ArmStandIn.group() + "/disks/scratch",
                NET + "/networkInterfaces/hello-nic");
        assertThat(result.removed()).isFalse();
        assertThat(harness.events().text()).doesNotContain(USERDATA).doesNotContain(userData);
    }

    @Test
    void aGeneralizedManagedImageFoundByNameGetsAnAdminUserTheSshKeyAndCustomData() throws Exception {
        vm("running");
        arm.images("{\"id\":\"" + ArmStandIn.group() + "/images/hello-20261101090000-ab12\",\"name\":"
                + "\"hello-20261101090000-ab12\",\"location\":\"westeurope\",\"tags\":{\"kiln:name\":\"hello\"},"
                + "\"properties\":{\"storageProfile\":{\"osDisk\":{\"osType\":\"Linux\",\"osState\":\"Generalized\"}}}}",
                "{\"id\":\"" + ArmStandIn.group() + "/images/hello-20261122090000-cd34\",\"name\":"
                        + "\"hello-20261122090000-cd34\",\"location\":\"westeurope\",\"tags\":{\"kiln:name\":\"hello\"},"
                        + "\"properties\":{\"storageProfile\":{\"osDisk\":{\"osType\":\"Linux\",\"osState\":\"Generalized\"}}}}");
        Path key = Files.writeString(tmp.resolve("id.pub"), "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKiln me@host\n");
        Path cloudInit = Files.writeString(tmp.resolve("cloud.yml"), "#cloud-config\n");
        harness.flag("ssh-key", key.toString()).flag("custom-data", cloudInit.toString()).flag("public-ip", "false")
                .flag("size", "Standard_D2s_v6");

        RunResult result = run(request("hello", Lifecycle.Wait.RUNNING, false));

        arm.server.verify(putRequestedFor(urlPathEqualTo(VM))
                .withRequestBody(matchingJsonPath("$.properties.storageProfile.imageReference.id",
                        equalTo(ArmStandIn.group() + "/images/hello-20261122090000-cd34")))
                .withRequestBody(matchingJsonPath("$.properties.storageProfile.diskControllerType", equalTo("NVMe")))
                .withRequestBody(matchingJsonPath("$.properties.osProfile.adminUsername", equalTo("kiln")))
                .withRequestBody(matchingJsonPath("$.properties.osProfile.computerName", equalTo("hello")))
                .withRequestBody(matchingJsonPath("$.properties.osProfile.customData",
                        equalTo(Base64.getEncoder().encodeToString("#cloud-config\n".getBytes(StandardCharsets.UTF_8)))))
                .withRequestBody(matchingJsonPath(
                        "$.properties.osProfile.linuxConfiguration.disablePasswordAuthentication", equalTo("true")))
                .withRequestBody(matchingJsonPath("$.properties.osProfile.linuxConfiguration.ssh.publicKeys[0].keyData",
                        equalTo("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKiln me@host")))
                .withRequestBody(matchingJsonPath("$.properties.osProfile.linuxConfiguration.ssh.publicKeys[0].path",
                        equalTo("/home/kiln/.ssh/authorized_keys"))));
        assertThat(arm.find(RequestMethod.PUT, NET + "/publicIPAddresses/.*")).isEmpty();
        assertThat(result.addresses()).containsOnlyKeys("private_ipv4");
    }

    @Test
    void aGeneralizedImageWithoutAnSshKeyIsRefusedBeforeAnythingIsMade() {
        vm("running");
        arm.images("{\"id\":\"" + ArmStandIn.group() + "/images/hello-1\",\"name\":\"hello-1\",\"location\":"
                + "\"westeurope\",\"tags\":{\"kiln:name\":\"hello\"},\"properties\":{\"storageProfile\":{\"osDisk\":"
                + "{\"osType\":\"Linux\",\"osState\":\"Generalized\"}}}}");

        assertThatThrownBy(() -> run(request("hello", Lifecycle.Wait.RUNNING, false)))
                .isInstanceOf(KilnException.class).hasMessageContaining("--ssh-key").hasMessageContaining("Generalized");
        assertThat(mutations()).isEmpty();
    }

    @Test
    void aQuotaRefusalOfTheVmRemovesTheNetworkItMadeNewestFirstAndSaysWhatToDo() {
        vm("running");
        arm.stub(put(urlPathEqualTo(VM)).atPriority(1).willReturn(ArmStandIn.json(409, "{\"error\":{\"code\":"
                + "\"OperationNotAllowed\",\"message\":\"Operation could not be completed as it results in exceeding "
                + "approved standardBSFamily Cores quota. Current Limit: 4\"}}")));

        Throwable failure = catchThrowable(() -> run(request(VERSION_ID, Lifecycle.Wait.RUNNING, false, "size=10G")));

        assertThat(failure).isInstanceOf(KilnException.class)
                .hasMessageContaining("OperationNotAllowed").hasMessageContaining("more quota")
                .hasMessageContaining("removed network interface hello-nic, public IP hello-ip, virtual network "
                        + "hello-vnet, network security group hello-nsg");
        assertThat(mutations()).containsExactly(
                "PUT " + NET + "/networkSecurityGroups/hello-nsg",
                "PUT " + NET + "/virtualNetworks/hello-vnet",
                "PUT " + NET + "/publicIPAddresses/hello-ip",
                "PUT " + NET + "/networkInterfaces/hello-nic",
                "PUT " + VM,
                "DELETE " + NET + "/networkInterfaces/hello-nic",
                "DELETE " + NET + "/publicIPAddresses/hello-ip",
                "DELETE " + NET + "/virtualNetworks/hello-vnet",
                "DELETE " + NET + "/networkSecurityGroups/hello-nsg");
    }

    @Test
    void aFailedNetworkStepRemovesOnlyWhatWasMadeBeforeIt() {
        vm("running");
        arm.stub(put(urlPathMatching(NET + "/publicIPAddresses/.*")).atPriority(1).willReturn(ArmStandIn.json(400,
                "{\"error\":{\"code\":\"PublicIPCountLimitReached\",\"message\":\"Cannot create more than 10 public "
                        + "IP addresses for this subscription in this region.\"}}")));

        Throwable failure = catchThrowable(() -> run(request(VERSION_ID, Lifecycle.Wait.RUNNING, false)));

        assertThat(failure).isInstanceOf(KilnException.class).hasMessageContaining("PublicIPCountLimitReached")
                .hasMessageContaining("removed virtual network hello-vnet, network security group hello-nsg");
        assertThat(mutations()).containsExactly(
                "PUT " + NET + "/networkSecurityGroups/hello-nsg",
                "PUT " + NET + "/virtualNetworks/hello-vnet",
                "PUT " + NET + "/publicIPAddresses/hello-ip",
                "DELETE " + NET + "/virtualNetworks/hello-vnet",
                "DELETE " + NET + "/networkSecurityGroups/hello-nsg");
    }

    @Test
    void aFailedProvisioningDeletesTheVmWithItsDisksThenTheNetwork() {
        vm("creating", "failed");

        Throwable failure = catchThrowable(() -> run(request(VERSION_ID, Lifecycle.Wait.RUNNING, false, "size=10G")));

        assertThat(failure).isInstanceOf(KilnException.class).hasMessageContaining("OSProvisioningTimedOut")
                .hasMessageContaining("removed VM hello with its disks, NIC and public IP, network interface hello-nic");
        assertThat(mutations()).endsWith(
                "PUT " + VM,
                "DELETE " + VM,
                "DELETE " + NET + "/networkInterfaces/hello-nic",
                "DELETE " + NET + "/publicIPAddresses/hello-ip",
                "DELETE " + NET + "/virtualNetworks/hello-vnet",
                "DELETE " + NET + "/networkSecurityGroups/hello-nsg");
    }

    @Test
    void aVmThatNeverRunsTimesOutOnTheClockAndIsRemoved() {
        vm("creating");
        harness.flag("poll-interval", "15s");

        Throwable failure = catchThrowable(() -> run(request(VERSION_ID, Lifecycle.Wait.RUNNING, false)));

        assertThat(failure).isInstanceOf(KilnException.class).hasMessageContaining("not done after 10 min")
                .hasMessageContaining("--timeout").hasMessageContaining("removed VM hello");
        assertThat(time.elapsed()).isGreaterThanOrEqualTo(Duration.ofMinutes(10)).isLessThan(Duration.ofMinutes(11));
        assertThat(mutations()).contains("DELETE " + VM, "DELETE " + NET + "/networkSecurityGroups/hello-nsg");
    }

    @Test
    void ctrlCDuringTheWaitRemovesEverythingMade() {
        vm("creating");
        time.interruptOnSleep(1);

        Throwable failure = catchThrowable(() -> run(request(VERSION_ID, Lifecycle.Wait.RUNNING, false)));

        assertThat(failure).isInstanceOf(KilnException.class).hasMessageContaining("interrupted")
                .hasMessageContaining("removed VM hello");
        assertThat(mutations()).endsWith("DELETE " + VM, "DELETE " + NET + "/networkInterfaces/hello-nic",
                "DELETE " + NET + "/publicIPAddresses/hello-ip", "DELETE " + NET + "/virtualNetworks/hello-vnet",
                "DELETE " + NET + "/networkSecurityGroups/hello-nsg");
    }

    @Test
    void ctrlCWhileTheNetworkIsMadeRemovesWhatWasMadeAndStartsNoVm() {
        vm("running");
        afterCall = call -> {
            if (call.equals("PUT " + NET + "/publicIPAddresses/hello-ip")) {
                harness.cancel().cancel();
            }
        };

        Throwable failure = catchThrowable(() -> run(request(VERSION_ID, Lifecycle.Wait.RUNNING, false)));

        assertThat(failure).isInstanceOf(KilnException.class).hasMessageContaining("interrupted")
                .hasMessageContaining("removed public IP hello-ip, virtual network hello-vnet, network security group "
                        + "hello-nsg");
        assertThat(mutations()).containsExactly(
                "PUT " + NET + "/networkSecurityGroups/hello-nsg",
                "PUT " + NET + "/virtualNetworks/hello-vnet",
                "PUT " + NET + "/publicIPAddresses/hello-ip",
                "DELETE " + NET + "/publicIPAddresses/hello-ip",
                "DELETE " + NET + "/virtualNetworks/hello-vnet",
                "DELETE " + NET + "/networkSecurityGroups/hello-nsg");
    }

    @Test
    void keepLeavesWhatWasMadeAndSaysHowToRemoveIt() {
        vm("creating", "failed");

        Throwable failure = catchThrowable(() -> run(request(VERSION_ID, Lifecycle.Wait.RUNNING, false)
                .withLifecycle(new Lifecycle(Optional.of(Lifecycle.Wait.RUNNING), false, true, Optional.empty()))));

        assertThat(failure).isInstanceOf(KilnException.class).hasMessageContaining("kept (--keep)")
                .hasMessageContaining("az vm delete -y -g " + ArmStandIn.GROUP + " -n hello");
        assertThat(mutations()).noneMatch(c -> c.startsWith("DELETE"));
    }

    @Test
    void rmWaitsForTheGuestToStopReadsTheSerialLogThenDeletesTheVmAndWhatItDoesNotCascadeTo() throws Exception {
        vm("creating", "running", "running", "stopped");
        arm.stub(post(urlPathEqualTo(VM + "/retrieveBootDiagnosticsData")).willReturn(ArmStandIn.json(200,
                "{\"consoleScreenshotBlobUri\":\"" + arm.url() + "bootdiag/hello.bmp?sig=shot\",\"serialConsoleLogBlobUri\":\""
                        + arm.url() + "bootdiag/hello.serialconsole.log?sv=2024&sig=serial-sas-1\"}")));
        arm.stub(get(urlPathEqualTo("/bootdiag/hello.serialconsole.log")).willReturn(aResponse().withStatus(200)
                .withBody("SeaBIOS\nLinux version 6.12\nkiln-guest: hello\nreboot: Power down\n")));
        Path log = tmp.resolve("serial.log");
        harness.flag("serial-log", log.toString());

        RunResult result = run(request(VERSION_ID, Lifecycle.Wait.STOPPED, true, "size=10G"));

        assertThat(Files.readString(log)).contains("kiln-guest: hello");
        assertThat(harness.events().text()).contains("console: kiln-guest: hello").doesNotContain("serial-sas-1");
        assertThat(result.removed()).isTrue();
        assertThat(result.state()).isEqualTo("deleted");
        assertThat(mutations()).endsWith(
                "POST " + VM + "/retrieveBootDiagnosticsData",
                "DELETE " + VM,
                "DELETE " + NET + "/networkInterfaces/hello-nic",
                "DELETE " + NET + "/publicIPAddresses/hello-ip",
                "DELETE " + NET + "/virtualNetworks/hello-vnet",
                "DELETE " + NET + "/networkSecurityGroups/hello-nsg");
        assertThat(time.sleeps()).isNotEmpty();
    }

    @Test
    void anExistingVnetIsUsedAndKept() throws Exception {
        vm("running");
        arm.stub(get(urlPathEqualTo(NET + "/virtualNetworks/prod/subnets/apps")).willReturn(ArmStandIn.json(200,
                "{\"id\":\"" + NET + "/virtualNetworks/prod/subnets/apps\",\"name\":\"apps\",\"properties\":"
                        + "{\"addressPrefix\":\"10.9.0.0/24\",\"provisioningState\":\"Succeeded\"}}")));
        harness.flag("vnet", "prod").flag("subnet", "apps");

        run(request(VERSION_ID, Lifecycle.Wait.RUNNING, true));

        assertThat(body(arm.find(RequestMethod.PUT, NET + "/networkInterfaces/.*")))
                .contains(NET + "/virtualNetworks/prod/subnets/apps");
        assertThat(mutations()).noneMatch(c -> c.contains("/virtualNetworks/"));
    }

    @Test
    void aVmNameInUseIsRefusedBeforeAnythingIsMade() {
        arm.stub(get(urlPathEqualTo(VM)).willReturn(ArmStandIn.json(200, vmBody("running"))));

        assertThatThrownBy(() -> run(request(VERSION_ID, Lifecycle.Wait.RUNNING, false)))
                .isInstanceOf(KilnException.class).hasMessageContaining("already exists").hasMessageContaining("--name");
        assertThat(mutations()).isEmpty();
    }

    @Test
    void waitNoneReturnsOnceArmTookTheVm() throws Exception {
        vm("creating");

        RunResult result = run(request(VERSION_ID, Lifecycle.Wait.NONE, false));

        assertThat(result.state()).isEqualTo("creating");
        assertThat(mutations()).last().isEqualTo("PUT " + VM);
        assertThat(time.sleeps()).isEmpty();
    }

    @Test
    void aDryRunSendsNothingAtAll() throws Exception {
        vm("running");

        RunRequest wet = request(VERSION_ID, Lifecycle.Wait.RUNNING, false, "size=10G");
        RunResult result = run(new RunRequest(wet.image(), wet.name(), true, wet.userdata(), wet.disks(),
                wet.lifecycle(), wet.tags()));

        assertThat(arm.calls()).isEmpty();
        assertThat(result.state()).isEqualTo("dry-run");
        assertThat(harness.events().text()).contains("would start VM hello").contains("data disks [hello-data0 10 GiB");
    }

    @Test
    void refusedCredentialsSayWhereCredentialsGoBeforeAnythingIsMade() {
        arm.stub(post(urlPathMatching("/" + ArmStandIn.TENANT + "/oauth2/v2.0/token")).atPriority(1)
                .willReturn(ArmStandIn.json(401, "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: "
                        + "Invalid client secret provided.\"}")));

        assertThatThrownBy(() -> run(request(VERSION_ID, Lifecycle.Wait.RUNNING, false)))
                .isInstanceOf(KilnException.class).hasMessageContaining("sign in to Azure")
                .hasMessageContaining("AZURE_CLIENT_SECRET");
        assertThat(mutations()).isEmpty();
    }

    @Test
    void aMissingSubscriptionIsAUsageErrorThatNamesTheFlagAndTheVariable() {
        ProviderHarness bare = new ProviderHarness(new AzureProviderFactory(), tmp)
                .flag("resource-group", ArmStandIn.GROUP).flag("location", ArmStandIn.LOCATION)
                .flag("arm-endpoint", arm.url()).flag("authority-host", arm.url());

        assertThatThrownBy(() -> {
            try (Provider p = new AzureProviderFactory().create(bare.runContext())) {
                p.run(request(VERSION_ID, Lifecycle.Wait.RUNNING, false));
            }
        }).isInstanceOfSatisfying(KilnException.class, e -> assertThat(e.isUsage()).isTrue())
                .hasMessageContaining("run azure needs a subscription").hasMessageContaining("--subscription")
                .hasMessageContaining("AZURE_SUBSCRIPTION_ID");
        assertThat(arm.calls()).isEmpty();
    }
}
