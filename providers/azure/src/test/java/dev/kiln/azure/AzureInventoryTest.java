package dev.kiln.azure;

import dev.kiln.api.KilnException;
import dev.kiln.spi.Made;
import dev.kiln.spi.Provider;
import dev.kiln.spi.Resource;
import dev.kiln.testkit.FakeTime;
import dev.kiln.testkit.ProviderHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * kiln ls azure / kiln rm azure against the HTTPS ARM stand-in, answering list and get calls like the REST
 * reference's examples: what is listed (only kiln's, by its tags, newest first, with the parts that go with it) and
 * which DELETEs rm sends, in which order, with a 404 counted as gone.
 */
class AzureInventoryTest {

    static final String COMPUTE = ArmStandIn.group();
    static final String NET = "/subscriptions/" + ArmStandIn.SUBSCRIPTION + "/resourceGroups/" + ArmStandIn.GROUP
            + "/providers/Microsoft.Network";
    static final String VM = COMPUTE + "/virtualMachines/hello";
    static final String VERSIONS = COMPUTE + "/galleries/kiln/images/hello/versions";

    @TempDir
    static Path shared;
    static ArmStandIn arm;

    @TempDir
    Path tmp;
    ProviderHarness harness;

    @BeforeAll
    static void start() throws Exception {
        arm = new ArmStandIn(Files.createDirectories(shared.resolve("arm")));
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
        FakeTime time = new FakeTime();
        harness = arm.harness(tmp.resolve("work")).clock(time).sleeper(time);
    }

    Provider provider() {
        return new AzureProviderFactory().create(harness.inventoryContext());
    }

    List<String> calls() {
        return arm.calls().stream().filter(c -> !c.contains("oauth2")).toList();
    }

    static String list(String... values) {
        return "{\"value\":[" + String.join(",", values) + "]}";
    }

    static String tagged(String id, String name, String tags, String properties) {
        return "{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"location\":\"westeurope\",\"tags\":{" + tags
                + "},\"properties\":{" + properties + "}}";
    }

    void images() {
        arm.stub(get(urlPathEqualTo(COMPUTE + "/images")).willReturn(ArmStandIn.json(200, list(
                tagged(COMPUTE + "/images/hello-20261201100000-0a1b", "hello-20261201100000-0a1b",
                        "\"kiln:digest\":\"sha256:aaa\",\"kiln:name\":\"hello\"", "\"provisioningState\":\"Succeeded\""),
                tagged(COMPUTE + "/images/golden", "golden", "\"team\":\"infra\"", "\"provisioningState\":\"Succeeded\"")))));
        arm.stub(get(urlPathEqualTo(COMPUTE + "/galleries")).willReturn(ArmStandIn.json(200, list(
                tagged(COMPUTE + "/galleries/kiln", "kiln", "", "\"provisioningState\":\"Succeeded\"")))));
        arm.stub(get(urlPathEqualTo(COMPUTE + "/galleries/kiln/images")).willReturn(ArmStandIn.json(200, list(
                tagged(COMPUTE + "/galleries/kiln/images/hello", "hello", "\"kiln:name\":\"hello\"",
                        "\"osType\":\"Linux\",\"osState\":\"Specialized\",\"identifier\":{\"publisher\":\"kiln\","
                                + "\"offer\":\"hello\",\"sku\":\"default\"}")))));
        arm.stub(get(urlPathEqualTo(VERSIONS)).willReturn(ArmStandIn.json(200, list(
                tagged(VERSIONS + "/1.0.0", "1.0.0", "\"kiln:digest\":\"sha256:bbb\",\"kiln:name\":\"hello\","
                        + "\"kiln:version\":\"1.0.0\"", "\"publishingProfile\":{\"publishedDate\":"
                        + "\"2026-12-02T09:00:00Z\"},\"provisioningState\":\"Succeeded\""),
                tagged(VERSIONS + "/0.9.0", "0.9.0", "", "\"publishingProfile\":{\"publishedDate\":"
                        + "\"2026-12-03T09:00:00Z\"},\"provisioningState\":\"Succeeded\"")))));
    }

    static String vm(String name, String run, String created) {
        String id = COMPUTE + "/virtualMachines/" + name;
        return tagged(id, name, run == null ? "\"team\":\"infra\"" : "\"kiln:run\":\"" + run + "\",\"kiln:name\":\""
                + name + "\"", "\"provisioningState\":\"Succeeded\",\"timeCreated\":\"" + created + "\","
                + "\"storageProfile\":{\"osDisk\":{\"name\":\"" + name + "-osdisk\",\"createOption\":\"FromImage\","
                + "\"deleteOption\":\"Delete\",\"managedDisk\":{\"id\":\"" + COMPUTE + "/disks/" + name + "-osdisk\"}},"
                + "\"dataDisks\":[{\"lun\":0,\"name\":\"" + name + "-data0\",\"createOption\":\"Empty\","
                + "\"deleteOption\":\"Delete\",\"managedDisk\":{\"id\":\"" + COMPUTE + "/disks/" + name + "-data0\"}}]},"
                + "\"networkProfile\":{\"networkInterfaces\":[{\"id\":\"" + NET + "/networkInterfaces/" + name
                + "-nic\",\"properties\":{\"primary\":true,\"deleteOption\":\"Delete\"}}]}");
    }

    void instances() {
        arm.stub(get(urlPathEqualTo(COMPUTE + "/images")).willReturn(ArmStandIn.json(200, list())));
        arm.stub(get(urlPathEqualTo(COMPUTE + "/galleries")).willReturn(ArmStandIn.json(200, list())));
        arm.stub(get(urlPathEqualTo(VM)).willReturn(ArmStandIn.json(200, vm("hello", "hello", "2026-12-01T10:00:00Z"))));
        arm.stub(get(urlPathEqualTo(COMPUTE + "/virtualMachines")).willReturn(ArmStandIn.json(200, list(
                vm("hello", "hello", "2026-12-01T10:00:00Z"), vm("other", null, "2026-12-03T10:00:00Z"),
                vm("web", "web", "2026-12-02T10:00:00Z")))));
        arm.stub(get(urlPathEqualTo(NET + "/publicIPAddresses")).willReturn(ArmStandIn.json(200, list(
                tagged(NET + "/publicIPAddresses/hello-ip", "hello-ip", "\"kiln:run\":\"hello\"", "\"deleteOption\":\"Delete\""),
                tagged(NET + "/publicIPAddresses/web-ip", "web-ip", "\"kiln:run\":\"web\"", "\"deleteOption\":\"Delete\""),
                tagged(NET + "/publicIPAddresses/bastion", "bastion", "", "")))));
        arm.stub(get(urlPathEqualTo(NET + "/virtualNetworks")).willReturn(ArmStandIn.json(200, list(
                tagged(NET + "/virtualNetworks/hello-vnet", "hello-vnet", "\"kiln:run\":\"hello\"", ""),
                tagged(NET + "/virtualNetworks/shared", "shared", "", "")))));
        arm.stub(get(urlPathEqualTo(NET + "/networkSecurityGroups")).willReturn(ArmStandIn.json(200, list(
                tagged(NET + "/networkSecurityGroups/hello-nsg", "hello-nsg", "\"kiln:run\":\"hello\"", ""),
                tagged(NET + "/networkSecurityGroups/web-nsg", "web-nsg", "\"kiln:run\":\"web\"", "")))));
    }

    @Test
    void lsImagesListsKilnsGalleryVersionsAndManagedImagesByTheirDigestTagNewestFirst() throws Exception {
        images();
        List<Made> listed;
        try (Provider p = provider()) {
            listed = p.list(Made.Kind.IMAGE);
        }

        assertThat(listed).extracting(Made::id).containsExactly(VERSIONS + "/1.0.0",
                COMPUTE + "/images/hello-20261201100000-0a1b");
        assertThat(listed).extracting(Made::digest).containsExactly("sha256:bbb", "sha256:aaa");
        assertThat(listed).allSatisfy(m -> {
            assertThat(m.name()).isEqualTo("hello");
            assertThat(m.byKiln()).isTrue();
            assertThat(m.parts()).isEmpty();
            assertThat(m.location()).isEqualTo("westeurope");
        });
        assertThat(listed.get(0).created()).contains(Instant.parse("2026-12-02T09:00:00Z"));
        assertThat(listed.get(1).created()).contains(Instant.parse("2026-12-01T10:00:00Z"));
        assertThat(calls()).containsExactly("GET " + COMPUTE + "/images", "GET " + COMPUTE + "/galleries",
                "GET " + COMPUTE + "/galleries/kiln/images", "GET " + VERSIONS);
    }

    @Test
    void lsInstancesListsKilnsVmsWithTheDisksNicAndWhatTheirRunMadeBesideThem() throws Exception {
        instances();
        List<Made> listed;
        try (Provider p = provider()) {
            listed = p.list(Made.Kind.INSTANCE);
        }

        assertThat(listed).extracting(Made::id).containsExactly(COMPUTE + "/virtualMachines/web", VM);
        Made hello = listed.get(1);
        assertThat(hello.name()).isEqualTo("hello");
        assertThat(hello.state()).isEqualTo("succeeded");
        assertThat(hello.created()).contains(Instant.parse("2026-12-01T10:00:00Z"));
        assertThat(hello.parts()).extracting(Resource::id).containsExactly(NET + "/networkInterfaces/hello-nic",
                COMPUTE + "/disks/hello-osdisk", COMPUTE + "/disks/hello-data0", NET + "/publicIPAddresses/hello-ip",
                NET + "/virtualNetworks/hello-vnet", NET + "/networkSecurityGroups/hello-nsg");
        assertThat(listed.get(0).parts()).extracting(Resource::id).contains(NET + "/publicIPAddresses/web-ip",
                NET + "/networkSecurityGroups/web-nsg").doesNotContain(NET + "/virtualNetworks/shared");
    }

    @Test
    void findTakesAnIdAsItIsAndAnUntaggedOneIsNotKilns() throws Exception {
        images();
        arm.stub(get(urlPathEqualTo(COMPUTE + "/images/golden")).willReturn(ArmStandIn.json(200,
                tagged(COMPUTE + "/images/golden", "golden", "\"team\":\"infra\"", "\"provisioningState\":\"Succeeded\""))));
        arm.stub(get(urlPathEqualTo(COMPUTE + "/images/gone")).willReturn(ArmStandIn.notFound("images/gone")));
        arm.stub(get(urlPathEqualTo(COMPUTE + "/virtualMachines")).willReturn(ArmStandIn.json(200, list())));
        try (Provider p = provider()) {
            List<Made> golden = p.find(COMPUTE + "/images/golden");
            assertThat(golden).hasSize(1);
            assertThat(golden.get(0).byKiln()).isFalse();
            assertThat(p.find(COMPUTE + "/images/gone")).isEmpty();
            assertThat(p.find("hello")).extracting(Made::id).containsExactly(
                    COMPUTE + "/images/hello-20261201100000-0a1b", VERSIONS + "/1.0.0");
        }
    }

    @Test
    void rmDeletesTheVmThenEachPartWhereA404CountsAsGone() throws Exception {
        instances();
        arm.stub(delete(urlPathEqualTo(VM)).willReturn(aResponse().withStatus(200)));
        // deleteOption=Delete: the VM's delete took its NIC and disks
        for (String gone : List.of(NET + "/networkInterfaces/hello-nic", COMPUTE + "/disks/hello-osdisk",
                COMPUTE + "/disks/hello-data0", NET + "/publicIPAddresses/hello-ip")) {
            arm.stub(delete(urlPathEqualTo(gone)).willReturn(ArmStandIn.notFound(gone)));
        }
        arm.stub(delete(urlPathEqualTo(NET + "/virtualNetworks/hello-vnet")).willReturn(aResponse().withStatus(200)));
        arm.stub(delete(urlPathEqualTo(NET + "/networkSecurityGroups/hello-nsg")).willReturn(aResponse().withStatus(204)));

        List<Resource> removed;
        try (Provider p = provider()) {
            Made hello = p.find("hello").get(0);
            removed = p.remove(hello);
        }

        assertThat(removed).extracting(Resource::id).containsExactly(VM, NET + "/networkInterfaces/hello-nic",
                COMPUTE + "/disks/hello-osdisk", COMPUTE + "/disks/hello-data0", NET + "/publicIPAddresses/hello-ip",
                NET + "/virtualNetworks/hello-vnet", NET + "/networkSecurityGroups/hello-nsg");
        assertThat(calls().stream().filter(c -> c.startsWith("DELETE"))).containsExactly("DELETE " + VM,
                "DELETE " + NET + "/networkInterfaces/hello-nic", "DELETE " + COMPUTE + "/disks/hello-osdisk",
                "DELETE " + COMPUTE + "/disks/hello-data0", "DELETE " + NET + "/publicIPAddresses/hello-ip",
                "DELETE " + NET + "/virtualNetworks/hello-vnet", "DELETE " + NET + "/networkSecurityGroups/hello-nsg");
        assertThat(arm.find(com.github.tomakehurst.wiremock.http.RequestMethod.DELETE, VM).get(0).getQueryParams())
                .containsKey("api-version");
    }

    @Test
    void rmOfAGalleryVersionDeletesOnlyTheVersion() throws Exception {
        images();
        arm.stub(delete(urlPathEqualTo(VERSIONS + "/1.0.0")).willReturn(aResponse().withStatus(200)));
        try (Provider p = provider()) {
            Made version = p.list(Made.Kind.IMAGE).get(0);
            assertThat(p.remove(version)).extracting(Resource::id).containsExactly(VERSIONS + "/1.0.0");
        }
        assertThat(calls().stream().filter(c -> !c.startsWith("GET"))).containsExactly("DELETE " + VERSIONS + "/1.0.0");
    }

    @Test
    void aFailedDeleteSaysWhatWasRemovedAndWhatIsLeftWithTheCommandToRemoveIt() throws Exception {
        instances();
        arm.stub(delete(urlPathEqualTo(VM)).willReturn(aResponse().withStatus(200)));
        for (String gone : List.of(NET + "/networkInterfaces/hello-nic", COMPUTE + "/disks/hello-osdisk",
                COMPUTE + "/disks/hello-data0", NET + "/publicIPAddresses/hello-ip")) {
            arm.stub(delete(urlPathEqualTo(gone)).willReturn(aResponse().withStatus(200)));
        }
        arm.stub(delete(urlPathEqualTo(NET + "/virtualNetworks/hello-vnet")).willReturn(ArmStandIn.json(409,
                "{\"error\":{\"code\":\"InUseSubnetCannotBeDeleted\",\"message\":\"Subnet default is in use.\"}}")));

        KilnException e;
        try (Provider p = provider()) {
            Made hello = p.find(VM).get(0);
            e = (KilnException) catchThrowable(() -> p.remove(hello));
        }

        assertThat(e.getMessage()).contains("InUseSubnetCannotBeDeleted")
                .contains("Removed: instance " + VM)
                .contains("left: virtual-network " + NET + "/virtualNetworks/hello-vnet")
                .contains("(az resource delete --ids " + NET + "/networkSecurityGroups/hello-nsg)");
        assertThat(calls()).doesNotContain("DELETE " + NET + "/networkSecurityGroups/hello-nsg");
    }
}
