package dev.kiln.openstack;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.kiln.api.DiskRequest;
import dev.kiln.api.KilnException;
import dev.kiln.api.Lifecycle;
import dev.kiln.api.Userdata;
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
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * run openstack against WireMock answering like the Keystone, Nova, Neutron and Glance API references' examples
 * (Nova and Neutron have no local server here).
 */
class OpenStackRunTest {

    private static final String IMAGE = "70a599e0-31e7-49b7-b260-868f441e862b";
    private static final String SERVER = "f5dc173b-6804-445a-a6d8-c705dad5b5eb";
    private static final String NET = "3cb9bc59-5699-4588-a4b1-b87f96708bc6";
    private static final String EXT = "376da547-b977-4cfe-9cba-275c80debf57";
    private static final String PORT = "ce531f90-199f-48c0-816c-13e38010b442";
    private static final String FIP = "2f245a7b-796b-4f26-9cf9-9e82d248fda7";

    @TempDir
    Path tmp;

    private WireMockServer wm;

    @BeforeEach
    void start() {
        wm = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        wm.start();
        OpenStackFixtures.keystone(wm, "a6944d763bf64ee6a275f1263fae0352", "compute=/compute/v2.1", "network=/network",
                "image=/image");
        wm.stubFor(get("/compute/v2.1/flavors").willReturn(okJson("""
                {"flavors":[{"id":"1","links":[],"name":"m1.tiny"},{"id":"2","links":[],"name":"m1.small"}]}""")));
        wm.stubFor(get(urlPathEqualTo("/image/v2/images")).willReturn(okJson("""
                {"images":[{"id":"%s","name":"linuxkit","status":"active","kiln_digest":"sha256:ab"}],
                 "first":"/v2/images","schema":"/v2/schemas/images"}""".formatted(IMAGE))));
        wm.stubFor(get("/network/v2.0/networks?name=private").willReturn(okJson("""
                {"networks":[{"id":"%s","name":"private","status":"ACTIVE"}]}""".formatted(NET))));
        wm.stubFor(get("/network/v2.0/networks?name=public").willReturn(okJson("""
                {"networks":[{"id":"%s","name":"public","router:external":true}]}""".formatted(EXT))));
        wm.stubFor(post("/compute/v2.1/servers").willReturn(aResponse().withStatus(202)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"server":{"OS-DCF:diskConfig":"AUTO","adminPass":"6NpUwoz2QDRN","id":"%s",
                        "links":[],"security_groups":[{"name":"default"}]}}""".formatted(SERVER))));
        wm.stubFor(delete("/compute/v2.1/servers/" + SERVER).willReturn(aResponse().withStatus(204)));
        wm.stubFor(get("/network/v2.0/ports?device_id=" + SERVER).willReturn(okJson("""
                {"ports":[{"id":"%s","device_id":"%s","network_id":"%s"}]}""".formatted(PORT, SERVER, NET))));
        wm.stubFor(post("/network/v2.0/floatingips").willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"floatingip":{"id":"%s","floating_ip_address":"172.24.4.228","floating_network_id":"%s",
                        "port_id":"%s","status":"DOWN"}}""".formatted(FIP, EXT, PORT))));
        wm.stubFor(delete("/network/v2.0/floatingips/" + FIP).willReturn(aResponse().withStatus(204)));
        wm.stubFor(post("/compute/v2.1/servers/" + SERVER + "/action").willReturn(okJson("""
                {"output":"Booting LinuxKit\\nkiln-marker: hello from the guest\\n"}""")));
    }

    @AfterEach
    void stop() {
        wm.stop();
    }

    private void serverIs(String status, String extra) {
        wm.stubFor(get("/compute/v2.1/servers/" + SERVER).willReturn(okJson("""
                {"server":{"id":"%s","name":"kiln-run","status":"%s","addresses":{"private":[
                {"OS-EXT-IPS:type":"fixed","addr":"192.168.0.3","version":4}]}%s}}""".formatted(SERVER, status, extra))));
    }

    private ProviderHarness harness() {
        return new ProviderHarness(new OpenStackProviderFactory(), tmp)
                .env("OS_AUTH_URL", "http://127.0.0.1:" + wm.port() + "/identity/v3").env("OS_USERNAME", "demo")
                .env("OS_PASSWORD", "demo-pass-42").env("OS_PROJECT_NAME", "demo")
                .env("OS_CLIENT_CONFIG_FILE", tmp.resolve("none.yaml").toString()).env("HOME", tmp.toString())
                .flag("flavor", "m1.small");
    }

    private static RunResult run(ProviderHarness h, RunRequest r) throws Exception {
        try (Provider p = new OpenStackProviderFactory().create(h.runContext())) {
            return p.run(r);
        }
    }

    private Map<String, Object> body(LoggedRequest r) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = OpenStackHttp.JSON.readValue(r.getBodyAsString(), Map.class);
        return m;
    }

    @Test
    void aServerBootsFromAVolumeWithUserdataConfigDriveDisksAFloatingIpAndItsConsole() throws Exception {
        serverIs("ACTIVE", "");
        Path log = tmp.resolve("console.log");
        ProviderHarness h = harness().flag("network", "private").flag("security-group", "default", "ssh")
                .flag("key-name", "mykey").flag("config-drive", "true").flag("boot-volume-size", "4")
                .flag("floating-ip", "public").flag("console-log", log.toString());
        RunRequest request = RunRequest.of("linuxkit", "kiln-run", false)
                .withUserdata(Userdata.ofText("#!/bin/sh\necho hi\n", "--userdata"))
                .withDisks(List.of(DiskRequest.parse("size=10G,type=ssd", Set.of("size", "type"), true)));

        RunResult result = run(h, request);

        assertThat(result.instanceId()).isEqualTo(SERVER);
        assertThat(result.state()).isEqualTo("ACTIVE");
        assertThat(result.addresses()).containsEntry("public_ipv4", "172.24.4.228")
                .containsEntry("fixed_ipv4", "192.168.0.3");
        assertThat(Files.readString(log)).contains("kiln-marker: hello from the guest");
        LoggedRequest create = wm.findAll(postRequestedFor(urlEqualTo("/compute/v2.1/servers"))).get(0);
        assertThat(create.getHeader("X-Auth-Token")).isEqualTo("gAAAAABkiln-test-token");
        @SuppressWarnings("unchecked")
        Map<String, Object> server = (Map<String, Object>) body(create).get("server");
        assertThat(server).containsEntry("name", "kiln-run").containsEntry("flavorRef", "2")
                .containsEntry("key_name", "mykey").containsEntry("config_drive", true).doesNotContainKey("imageRef");
        assertThat(new String(Base64.getDecoder().decode((String) server.get("user_data"))))
                .isEqualTo("#!/bin/sh\necho hi\n");
        assertThat(server.get("networks")).isEqualTo(List.of(Map.of("uuid", NET)));
        assertThat(server.get("security_groups")).isEqualTo(List.of(Map.of("name", "default"), Map.of("name", "ssh")));
        assertThat(server.get("block_device_mapping_v2")).isEqualTo(List.of(
                Map.of("boot_index", 0, "uuid", IMAGE, "source_type", "image", "destination_type", "volume",
                        "volume_size", 4, "delete_on_termination", true),
                Map.of("boot_index", -1, "source_type", "blank", "destination_type", "volume",
                        "delete_on_termination", true, "volume_size", 10, "volume_type", "ssd")));
        LoggedRequest fip = wm.findAll(postRequestedFor(urlEqualTo("/network/v2.0/floatingips"))).get(0);
        assertThat(body(fip).get("floatingip")).isEqualTo(Map.of("floating_network_id", EXT, "port_id", PORT,
                "description", "made by kiln for server " + SERVER));
        assertThat(server.get("metadata")).as("what kiln ls and kiln rm find the server by")
                .isEqualTo(Map.of("kiln:name", "kiln-run", "kiln:image", IMAGE, "kiln:version",
                        dev.kiln.api.Version.get()));
        LoggedRequest console = wm.findAll(postRequestedFor(urlEqualTo("/compute/v2.1/servers/" + SERVER
                + "/action"))).get(0);
        assertThat(body(console)).isEqualTo(Map.of("os-getConsoleOutput", Map.of("length", 10000)));
        assertThat(wm.findAll(deleteRequestedFor(urlPathEqualTo("/compute/v2.1/servers/" + SERVER)))).isEmpty();
    }

    @Test
    void novaErrorReportsTheFaultAndRemovesTheServer() throws Exception {
        serverIs("ERROR", ",\"fault\":{\"code\":500,\"created\":\"2026-12-02T06:00:00Z\",\"message\":"
                + "\"No valid host was found. There are not enough hosts available.\"}");

        assertThatThrownBy(() -> run(harness(), RunRequest.of(IMAGE, "kiln-run", false)))
                .isInstanceOf(KilnException.class).hasMessageContaining("No valid host was found")
                .hasMessageContaining("removed server " + SERVER).hasMessageNotContaining("demo-pass-42");
        assertThat(wm.findAll(deleteRequestedFor(urlEqualTo("/compute/v2.1/servers/" + SERVER)))).hasSize(1);
    }

    @Test
    void rmRemovesTheFloatingIpAndTheServerAtTheEnd() throws Exception {
        serverIs("ACTIVE", "");
        ProviderHarness h = harness().flag("network", "private").flag("floating-ip", "public");

        RunResult result = run(h, RunRequest.of(IMAGE, "kiln-run", false)
                .withLifecycle(new Lifecycle(Optional.empty(), true, false, Optional.empty())));

        assertThat(result.removed()).isTrue();
        assertThat(wm.findAll(deleteRequestedFor(urlEqualTo("/network/v2.0/floatingips/" + FIP)))).hasSize(1);
        assertThat(wm.findAll(deleteRequestedFor(urlEqualTo("/compute/v2.1/servers/" + SERVER)))).hasSize(1);
    }

    @Test
    void aLocalImageFileIsRefusedBeforeSigningInWithThePushCommandToRunFirst() throws Exception {
        Path file = Files.write(tmp.resolve("hello-efi.qcow2"), OpenStackFixtures.smallQcow2());

        assertThatThrownBy(() -> run(harness(), RunRequest.of(file.toString(), "kiln-run", false)))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("kiln push openstack " + file)
                .hasMessageContaining("Glance image id or name");
        assertThat(wm.getAllServeEvents()).as("no sign-in, nothing made").isEmpty();
    }

    @Test
    void aLocalImageFileIsPushedToGlanceFirstAndTheServerBootsTheImageMade() throws Exception {
        // the real Keystone and Glance for the push; Nova, which has no local server, stands in at the catalog's
        // compute endpoint
        KeystoneGlance rig = KeystoneGlance.shared();
        rig.proxy.reset();
        WireMockServer nova = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1")
                .port(rig.novaPort));
        nova.start();
        try {
            nova.stubFor(get("/compute/v2.1/flavors").willReturn(okJson("""
                    {"flavors":[{"id":"1","links":[],"name":"m1.tiny"},{"id":"2","links":[],"name":"m1.small"}]}""")));
            nova.stubFor(post("/compute/v2.1/servers").willReturn(aResponse().withStatus(202)
                    .withHeader("Content-Type", "application/json").withBody("""
                            {"server":{"id":"%s","links":[],"security_groups":[{"name":"default"}]}}"""
                            .formatted(SERVER))));
            nova.stubFor(get("/compute/v2.1/servers/" + SERVER).willReturn(okJson("""
                    {"server":{"id":"%s","name":"kiln-run","status":"ACTIVE","addresses":{}}}""".formatted(SERVER))));
            Path file = Files.write(tmp.resolve("os-run-local.qcow2"), OpenStackFixtures.smallQcow2());
            String digest = "blocks-sha256:" + java.util.UUID.randomUUID().toString().replace("-", "").repeat(2);
            ProviderHarness h = new ProviderHarness(new OpenStackProviderFactory(), tmp).flag("flavor", "m1.small");
            rig.passwordEnv().forEach(h::env);
            // the CLI describes the file with its --arch (or the build record's)
            dev.kiln.spi.PushRequest local = dev.kiln.spi.PushRequest.of(file,
                    dev.kiln.api.ImageFormat.QCOW2_BIOS, "os-run-local", digest)
                    .withArch(dev.kiln.api.Architecture.ARM64);

            RunResult first;
            try (Provider p = new OpenStackProviderFactory().create(h.runContext())) {
                first = p.run(RunRequest.of(file.toString(), "kiln-run", false), local);
            }

            assertThat(rig.imagesNamed("os-run-local")).hasSize(1).containsValue(digest);
            String image = rig.imagesNamed("os-run-local").keySet().iterator().next();
            assertThat(Files.readAllBytes(rig.storedFile(image))).isEqualTo(Files.readAllBytes(file));
            assertThat(rig.image(image).path("architecture").asText()).as("the request's arch").isEqualTo("aarch64");
            assertThat(rig.image(image).path("status").asText()).isEqualTo("active");
            @SuppressWarnings("unchecked")
            Map<String, Object> server = (Map<String, Object>) body(nova.findAll(postRequestedFor(
                    urlEqualTo("/compute/v2.1/servers"))).get(0)).get("server");
            assertThat(server).containsEntry("imageRef", image).containsEntry("flavorRef", "2");
            assertThat(first.state()).isEqualTo("ACTIVE");
            assertThat(first.created()).extracting(r -> r.type() + " " + r.id())
                    .containsExactly("server " + SERVER, "image " + image);
            assertThat(h.events().text()).contains("pushed " + file + " as Glance image " + image);

            // the same file again: found by its digest, nothing uploaded, the same image booted
            rig.proxy.reset();
            nova.resetRequests();
            RunResult again;
            try (Provider p = new OpenStackProviderFactory().create(h.runContext())) {
                again = p.run(RunRequest.of(file.toString(), "kiln-run", false), local);
            }
            assertThat(rig.proxy.mutations()).isEmpty();
            @SuppressWarnings("unchecked")
            Map<String, Object> second = (Map<String, Object>) body(nova.findAll(postRequestedFor(
                    urlEqualTo("/compute/v2.1/servers"))).get(0)).get("server");
            assertThat(second).containsEntry("imageRef", image);
            assertThat(again.created()).extracting(r -> r.type()).containsExactly("server");
        } finally {
            nova.stop();
        }
    }

    @Test
    void aDryRunCreatesNothing() throws Exception {
        serverIs("ACTIVE", "");

        RunResult result = run(harness(), RunRequest.of("linuxkit", "kiln-run", true));

        assertThat(result.state()).isEqualTo("dry-run");
        assertThat(result.instanceId()).isEmpty();
        assertThat(wm.findAll(postRequestedFor(urlEqualTo("/compute/v2.1/servers")))).isEmpty();
    }
}
