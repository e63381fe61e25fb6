package dev.kiln.openstack;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.KilnException;
import dev.kiln.spi.Made;
import dev.kiln.spi.Provider;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.Resource;
import dev.kiln.testkit.ProviderHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code kiln ls openstack} and {@code kiln rm openstack}: images against the real Keystone and Glance of
 * {@link KeystoneGlance}; servers, their floating IPs and volumes against WireMock answering like the Nova, Neutron
 * and Cinder API references' examples (no local server exists for them).
 */
class OpenStackInventoryTest {

    private static final String SERVER = "f5dc173b-6804-445a-a6d8-c705dad5b5eb";
    private static final String OTHER = "9e9b7e31-0c1e-4d4b-9a8e-1c1f5f1a2b3c";
    private static final String FIP = "2f245a7b-796b-4f26-9cf9-9e82d248fda7";
    private static final String VOLUME = "6edbc2f4-1507-44f8-ac0d-eed1d2608d38";
    private static final String KEPT_VOLUME = "2b955850-f177-45f7-9f49-ecb2c256d161";
    private static final String VOLUME_GONE = "f7223234-1afc-4d19-bfa3-d19deb6235ef";
    private static final String PROJECT = "a6944d763bf64ee6a275f1263fae0352";

    @TempDir
    Path tmp;

    private WireMockServer wm;

    @BeforeEach
    void start() {
        wm = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        wm.start();
        OpenStackFixtures.keystone(wm, PROJECT, "compute=/compute/v2.1", "network=/network",
                "volumev3=/volume/v3/%s", "image=/image");
        // GET /servers/detail at microversion 2.3: volumes_attached says which go with the server
        wm.stubFor(get("/compute/v2.1/servers/detail").willReturn(okJson("""
                {"servers":[
                 {"id":"%1$s","name":"hello","status":"ACTIVE","created":"2026-12-02T10:00:00Z",
                  "metadata":{"kiln:name":"hello","kiln:image":"70a599e0-31e7-49b7-b260-868f441e862b",
                   "kiln:version":"0.1.0","team":"edge"},
                  "os-extended-volumes:volumes_attached":[{"id":"%3$s","delete_on_termination":true},
                   {"id":"%4$s","delete_on_termination":false}]},
                 {"id":"%2$s","name":"not-kiln","status":"ACTIVE","created":"2026-12-02T11:00:00Z","metadata":{},
                  "os-extended-volumes:volumes_attached":[]}],
                 "servers_links":[]}""".formatted(SERVER, OTHER, VOLUME, KEPT_VOLUME))));
        wm.stubFor(get(urlPathEqualTo("/network/v2.0/floatingips")).willReturn(okJson("{\"floatingips\":[]}")));
        wm.stubFor(get("/network/v2.0/floatingips?description=made%20by%20kiln%20for%20server%20" + SERVER)
                .willReturn(okJson("""
                        {"floatingips":[{"id":"%s","floating_ip_address":"172.24.4.228","status":"ACTIVE",
                         "description":"made by kiln for server %s"}]}""".formatted(FIP, SERVER))));
        wm.stubFor(get(urlPathEqualTo("/image/v2/images")).willReturn(okJson("""
                {"images":[],"first":"/v2/images","schema":"/v2/schemas/images"}""")));
        wm.stubFor(get(urlPathEqualTo("/image/v2/images/" + SERVER)).willReturn(aResponse().withStatus(404)
                .withBody("<html><body><h1>404 Not Found</h1>No image found with ID " + SERVER + "</body></html>")));
    }

    @AfterEach
    void stop() {
        wm.stop();
    }

    private ProviderHarness standIns() {
        return new ProviderHarness(new OpenStackProviderFactory(), tmp)
                .env("OS_AUTH_URL", "http://127.0.0.1:" + wm.port() + "/identity/v3").env("OS_USERNAME", "demo")
                .env("OS_PASSWORD", "demo-pass-42").env("OS_PROJECT_NAME", "demo").env("OS_REGION_NAME", "RegionOne")
                .env("OS_CLIENT_CONFIG_FILE", tmp.resolve("none.yaml").toString()).env("HOME", tmp.toString());
    }

    private static Provider inventory(ProviderHarness h) {
        return new OpenStackProviderFactory().create(h.inventoryContext());
    }

    /** The server answers as it is until DELETE, then 404, as Nova does once the server is gone. */
    private void serverDeletedOnDelete() {
        wm.stubFor(get("/compute/v2.1/servers/" + SERVER).inScenario("server").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("""
                        {"server":{"id":"%s","name":"hello","status":"ACTIVE","created":"2026-12-02T10:00:00Z",
                         "metadata":{"kiln:name":"hello"},
                         "os-extended-volumes:volumes_attached":[{"id":"%s","delete_on_termination":true}]}}"""
                        .formatted(SERVER, VOLUME))));
        wm.stubFor(delete("/compute/v2.1/servers/" + SERVER).inScenario("server")
                .willReturn(aResponse().withStatus(204)).willSetStateTo("deleted"));
        wm.stubFor(get("/compute/v2.1/servers/" + SERVER).inScenario("server").whenScenarioStateIs("deleted")
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json").withBody(
                        "{\"itemNotFound\":{\"code\":404,\"message\":\"Instance could not be found.\"}}")));
    }

    @Test
    void lsListsTheServersKilnStartedWithTheFloatingIpsAndVolumesThatGoWithThem() throws Exception {
        List<Made> servers;
        try (Provider p = inventory(standIns())) {
            servers = p.list(Made.Kind.INSTANCE);
        }

        assertThat(servers).hasSize(1);
        Made hello = servers.get(0);
        assertThat(hello.id()).isEqualTo(SERVER);
        assertThat(hello.name()).isEqualTo("hello");
        assertThat(hello.byKiln()).isTrue();
        assertThat(hello.state()).isEqualTo("ACTIVE");
        assertThat(hello.location()).isEqualTo("RegionOne");
        assertThat(hello.created()).contains(java.time.Instant.parse("2026-12-02T10:00:00Z"));
        assertThat(hello.tags()).containsEntry("team", "edge").containsEntry("kiln:name", "hello");
        assertThat(hello.parts()).containsExactly(Resource.of("floating ip", FIP, "RegionOne"),
                Resource.of("volume", VOLUME, "RegionOne"));
        LoggedRequest list = wm.findAll(getRequestedFor(urlEqualTo("/compute/v2.1/servers/detail"))).get(0);
        assertThat(list.getHeader("X-OpenStack-Nova-API-Version")).isEqualTo("2.3");
        assertThat(list.getHeader("X-Auth-Token")).isEqualTo("gAAAAABkiln-test-token");
    }

    @Test
    void rmDeletesTheServerWaitsUntilItIsGoneThenReleasesItsFloatingIpAndDeletesItsVolume() throws Exception {
        serverDeletedOnDelete();
        wm.stubFor(delete("/network/v2.0/floatingips/" + FIP).willReturn(aResponse().withStatus(204)));
        wm.stubFor(get("/volume/v3/" + PROJECT + "/volumes/" + VOLUME).willReturn(okJson("""
                {"volume":{"id":"%s","status":"available","size":10}}""".formatted(VOLUME))));
        wm.stubFor(delete("/volume/v3/" + PROJECT + "/volumes/" + VOLUME).willReturn(aResponse().withStatus(202)));
        ProviderHarness h = standIns();

        List<Resource> removed;
        try (Provider p = inventory(h)) {
            Made hello = p.find("hello").get(0);
            removed = p.remove(hello);
        }

        assertThat(removed).containsExactly(Resource.of("instance", SERVER, "RegionOne"),
                Resource.of("floating ip", FIP, "RegionOne"), Resource.of("volume", VOLUME, "RegionOne"));
        List<String> calls = wm.getAllServeEvents().stream().map(e -> e.getRequest())
                .sorted(java.util.Comparator.comparing(LoggedRequest::getLoggedDate))
                .filter(r -> !r.getUrl().startsWith("/identity") && !r.getUrl().contains("/servers/detail")
                        && !r.getUrl().contains("floatingips?"))
                .map(r -> r.getMethod() + " " + r.getUrl()).toList();
        assertThat(calls).containsSubsequence("DELETE /compute/v2.1/servers/" + SERVER,
                "GET /compute/v2.1/servers/" + SERVER, "DELETE /network/v2.0/floatingips/" + FIP,
                "GET /volume/v3/" + PROJECT + "/volumes/" + VOLUME, "DELETE /volume/v3/" + PROJECT + "/volumes/" + VOLUME);
        assertThat(calls).noneMatch(c -> c.contains(KEPT_VOLUME));
        assertThat(h.events().text()).contains("removed instance " + SERVER);
    }

    @Test
    void aServerVolumeOrFloatingIpAlreadyGoneCountsAsRemoved() throws Exception {
        wm.stubFor(delete("/compute/v2.1/servers/" + SERVER).willReturn(aResponse().withStatus(404)));
        wm.stubFor(get("/compute/v2.1/servers/" + SERVER).willReturn(aResponse().withStatus(404)));
        wm.stubFor(delete("/network/v2.0/floatingips/" + FIP).willReturn(aResponse().withStatus(404)));
        wm.stubFor(get("/volume/v3/" + PROJECT + "/volumes/" + VOLUME_GONE).willReturn(aResponse().withStatus(404)));
        wm.stubFor(get("/volume/v3/" + PROJECT + "/volumes/" + VOLUME).willReturn(okJson("""
                {"volume":{"id":"%s","status":"deleting","size":10}}""".formatted(VOLUME))));
        Made made = Made.builder(Made.Kind.INSTANCE, SERVER).name("hello").location("RegionOne")
                .part(Resource.of("floating ip", FIP, "RegionOne")).part(Resource.of("volume", VOLUME_GONE, "RegionOne"))
                .part(Resource.of("volume", VOLUME, "RegionOne")).build();

        List<Resource> removed;
        try (Provider p = inventory(standIns())) {
            removed = p.remove(made);
        }

        assertThat(removed).hasSize(4);
        assertThat(wm.getAllServeEvents()).noneMatch(e -> e.getRequest().getMethod().getName().equals("DELETE")
                && e.getRequest().getUrl().contains("/volumes/"));
    }

    @Test
    void aFailedRemovalSaysWhatWasRemovedAndWhatIsLeftWithTheCommandsToRemoveIt() throws Exception {
        serverDeletedOnDelete();
        wm.stubFor(delete("/network/v2.0/floatingips/" + FIP).willReturn(aResponse().withStatus(409)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"NeutronError":{"type":"FloatingIPInUse","message":"Floating IP %s is in use.","detail":""}}"""
                        .formatted(FIP))));

        try (Provider p = inventory(standIns())) {
            Made hello = p.find(SERVER).get(0);
            assertThatThrownBy(() -> p.remove(hello)).isInstanceOf(KilnException.class)
                    .hasMessageContaining("Floating IP " + FIP + " is in use")
                    .hasMessageContaining("Removed: instance " + SERVER)
                    .hasMessageContaining("openstack floating ip delete " + FIP)
                    .hasMessageContaining("openstack volume delete " + VOLUME)
                    .hasMessageNotContaining("demo-pass-42");
        }
    }

    @Test
    void findByAServerIdThatGlanceDoesNotKnowAsksNovaAndAServerKilnDidNotStartIsNotKilns() throws Exception {
        wm.stubFor(get(urlPathEqualTo("/image/v2/images/" + OTHER)).willReturn(aResponse().withStatus(404)));
        wm.stubFor(get("/compute/v2.1/servers/" + OTHER).willReturn(okJson("""
                {"server":{"id":"%s","name":"not-kiln","status":"SHUTOFF","metadata":{},
                 "os-extended-volumes:volumes_attached":[{"id":"%s","delete_on_termination":true}]}}"""
                .formatted(OTHER, VOLUME))));
        String gone = UUID.randomUUID().toString();
        wm.stubFor(get(urlPathEqualTo("/image/v2/images/" + gone)).willReturn(aResponse().withStatus(404)));
        wm.stubFor(get("/compute/v2.1/servers/" + gone).willReturn(aResponse().withStatus(404)));

        try (Provider p = inventory(standIns())) {
            List<Made> found = p.find(OTHER);
            assertThat(found).singleElement().satisfies(m -> {
                assertThat(m.kind()).isEqualTo(Made.Kind.INSTANCE);
                assertThat(m.byKiln()).isFalse();
                assertThat(m.state()).isEqualTo("SHUTOFF");
            });
            assertThat(p.find(gone)).isEmpty();
            assertThat(p.find("no-such-name")).isEmpty();
        }
    }

    @Test
    void imagesKilnPushedAreListedFoundRemovedAndGoneFromTheRealGlance() throws Exception {
        KeystoneGlance rig = KeystoneGlance.shared();
        rig.proxy.reset();
        WireMockServer nova = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1")
                .port(rig.novaPort));
        nova.start();
        try {
            nova.stubFor(get("/compute/v2.1/servers/detail").willReturn(okJson("{\"servers\":[],\"servers_links\":[]}")));
            ProviderHarness h = new ProviderHarness(new OpenStackProviderFactory(), tmp);
            rig.passwordEnv().forEach(h::env);
            String suffix = UUID.randomUUID().toString().substring(0, 8);
            String older = push(h, "os-ls-a-" + suffix, "sha256:" + "a".repeat(64));
            String newer = push(h, "os-ls-b-" + suffix, "sha256:" + "b".repeat(64));
            // an image of the same project that kiln did not push: no kiln_digest
            String theirs = rig.call("POST", rig.glance() + "/images", rig.userToken(), "{\"name\":\"os-ls-theirs-"
                    + suffix + "\",\"disk_format\":\"qcow2\",\"container_format\":\"bare\"}").path("id").asText();

            try (Provider p = inventory(h)) {
                List<Made> images = p.list(Made.Kind.IMAGE).stream().filter(m -> m.name().endsWith(suffix)).toList();
                // Glance's created_at has whole seconds: two pushes in one second tie and fall back to id order
                assertThat(images).extracting(Made::id).containsExactlyInAnyOrder(newer, older);
                assertThat(images).isSortedAccordingTo(Made.newestFirst());
                Made a = images.stream().filter(m -> m.id().equals(older)).findFirst().orElseThrow();
                assertThat(a.digest()).isEqualTo("sha256:" + "a".repeat(64));
                assertThat(a.state()).isEqualTo("active");
                assertThat(a.byKiln()).isTrue();
                assertThat(a.created()).isPresent();
                assertThat(a.parts()).isEmpty();
                assertThat(p.find("os-ls-a-" + suffix)).extracting(Made::id).containsExactly(older);
                assertThat(p.find("os-ls-theirs-" + suffix)).as("a name kiln did not give").isEmpty();
                assertThat(p.find(theirs)).singleElement().satisfies(m -> assertThat(m.byKiln()).isFalse());

                assertThat(p.remove(a)).containsExactly(Resource.of("image", older, "RegionOne"));

                assertThat(rig.images()).noneMatch(i -> i.contains(older)).anyMatch(i -> i.contains(newer));
                assertThat(p.find(older)).as("a removed image by its id").isEmpty();
                assertThat(p.remove(a)).as("removing it again").hasSize(1);
                assertThat(rig.proxy.mutations()).contains("DELETE /v2/images/{id}");
            } finally {
                rig.call("DELETE", rig.glance() + "/images/" + theirs, rig.userToken(), null);
                rig.call("DELETE", rig.glance() + "/images/" + newer, rig.userToken(), null);
            }
        } finally {
            nova.stop();
        }
    }

    private String push(ProviderHarness h, String name, String digest) throws Exception {
        Path file = tmp.resolve(name + ".qcow2");
        Files.write(file, OpenStackFixtures.smallQcow2());
        try (Provider p = new OpenStackProviderFactory().create(h.pushContext())) {
            return p.push(PushRequest.of(file, ImageFormat.QCOW2_BIOS, name, digest)).images().get(0).imageId();
        }
    }
}
