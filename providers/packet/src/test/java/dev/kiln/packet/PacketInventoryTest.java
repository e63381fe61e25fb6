package dev.kiln.packet;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.kiln.api.KilnException;
import dev.kiln.spi.Made;
import dev.kiln.spi.Provider;
import dev.kiln.spi.Resource;
import dev.kiln.testkit.ProviderHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code kiln ls packet} and {@code kiln rm packet}: the scripts push wrote to a directory (a LinuxKit script beside
 * them is not kiln's), and the devices of a WireMock Metal v1 API answering like findProjectDevices' documented
 * example ({@code devices} plus {@code meta.last_page}), two pages of them.
 */
class PacketInventoryTest {

    private static final String PROJECT = "a5b1c7d3-0000-4000-8000-000000000001";
    private static final String MINE = "e3c0f7a2-0000-4000-8000-0000000000d1";
    private static final String NEWER = "e3c0f7a2-0000-4000-8000-0000000000d2";
    private static final String THEIRS = "e3c0f7a2-0000-4000-8000-0000000000d3";
    private static final String GONE = "e3c0f7a2-0000-4000-8000-0000000000d4";
    private static final String TOKEN = "metal-token-" + System.nanoTime();
    private static final String BASE = "http://boot.example:8080";
    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    @TempDir
    Path tmp;
    Path www;
    WireMockServer metal;

    @BeforeEach
    void start() throws Exception {
        www = Files.createDirectories(tmp.resolve("www"));
        metal = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        metal.start();
    }

    @AfterEach
    void stop() {
        metal.stop();
    }

    private ProviderHarness harness() {
        return new ProviderHarness(new PacketProviderFactory(), tmp).flag("destination", www.toString())
                .flag("base-url", BASE).env("METAL_AUTH_TOKEN", TOKEN).flag("project", PROJECT)
                .flag("api-url", metal.baseUrl() + "/metal/v1");
    }

    private Provider inventory(ProviderHarness harness) {
        return new PacketProviderFactory().create(harness.inventoryContext());
    }

    /** What push wrote for NAME, its files last written at {@code when}. */
    private void pushed(String name, Instant when) throws Exception {
        Files.writeString(www.resolve(name + "-kernel"), "kernel of " + name);
        Files.writeString(www.resolve(name + "-initrd.img"), "initrd of " + name);
        String script = new IpxeScript(BASE + "/" + name + "-kernel", BASE + "/" + name + "-initrd.img",
                "ttyS1,115200", "", DIGEST).render(Optional.of(BASE));
        Files.writeString(www.resolve(name + "-equinixmetal.ipxe"), script);
        Files.writeString(www.resolve(name + "-packet.ipxe"), script);
        for (String f : List.of("-kernel", "-initrd.img", "-equinixmetal.ipxe", "-packet.ipxe")) {
            Files.setLastModifiedTime(www.resolve(name + f), FileTime.from(when));
        }
    }

    /** LinuxKit's own push: the same names, no kiln-digest line. */
    private void linuxkit(String name) throws Exception {
        Files.writeString(www.resolve(name + "-kernel"), "kernel");
        Files.writeString(www.resolve(name + "-equinixmetal.ipxe"), "#!ipxe\ndhcp\nset base-url " + BASE + "\n"
                + "kernel ${base-url}/" + name + "-kernel ip=dhcp\ninitrd ${base-url}/" + name + "-initrd.img\nboot\n");
    }

    private static String device(String id, String created, String... tags) {
        return """
                {"id":"%s","hostname":"h-%s","state":"active","created_at":"%s",
                 "metro":{"id":"108b2cfb","code":"sv","name":"Silicon Valley"},"tags":[%s]}
                """.formatted(id, id.substring(id.length() - 2), created,
                String.join(",", Stream.of(tags).map(t -> "\"" + t + "\"").toList()));
    }

    private void devices() {
        String page1 = "{\"devices\":[" + device(MINE, "2026-11-01T10:00:00Z", "team=infra", "kiln:name=hello") + ","
                + device(THEIRS, "2026-11-03T10:00:00Z", "team=web") + "],"
                + "\"meta\":{\"current_page\":1,\"last_page\":2,\"total\":3}}";
        String page2 = "{\"devices\":[" + device(NEWER, "2026-11-02T10:00:00Z", "kiln:name=other") + "],"
                + "\"meta\":{\"current_page\":2,\"last_page\":2,\"total\":3}}";
        metal.stubFor(get(urlEqualTo("/metal/v1/projects/" + PROJECT + "/devices?page=1&per_page=100"))
                .willReturn(okJson(page1)));
        metal.stubFor(get(urlEqualTo("/metal/v1/projects/" + PROJECT + "/devices?page=2&per_page=100"))
                .willReturn(okJson(page2)));
        metal.stubFor(get(urlEqualTo("/metal/v1/devices/" + THEIRS))
                .willReturn(okJson(device(THEIRS, "2026-11-03T10:00:00Z", "team=web"))));
        metal.stubFor(get(urlEqualTo("/metal/v1/devices/" + GONE)).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json").withBody("{\"errors\":[\"Not found\"]}")));
    }

    private List<String> calls() {
        return metal.findAll(anyRequestedFor(anyUrl())).stream().map(r -> r.getMethod() + " " + r.getUrl()).toList();
    }

    @Test
    void lsListsKilnsScriptsNewestFirstWithTheirAliasKernelAndInitrdAndLeavesOthersOut() throws Exception {
        pushed("hello", Instant.parse("2026-11-01T10:00:00Z"));
        pushed("other", Instant.parse("2026-11-02T10:00:00Z"));
        linuxkit("theirs");

        List<Made> images;
        try (Provider p = inventory(harness())) {
            images = p.list(Made.Kind.IMAGE);
        }

        assertThat(images).extracting(Made::id).containsExactly(BASE + "/other-equinixmetal.ipxe",
                BASE + "/hello-equinixmetal.ipxe");
        Made hello = images.get(1);
        assertThat(hello.name()).isEqualTo("hello");
        assertThat(hello.digest()).isEqualTo(DIGEST);
        assertThat(hello.location()).isEqualTo(www.toString());
        assertThat(hello.created()).contains(Instant.parse("2026-11-01T10:00:00Z"));
        assertThat(hello.byKiln()).isTrue();
        assertThat(hello.parts()).containsExactly(
                Resource.of("ipxe-script-alias", BASE + "/hello-packet.ipxe", www.toString()),
                Resource.of("kernel", BASE + "/hello-kernel", www.toString()),
                Resource.of("initrd", BASE + "/hello-initrd.img", www.toString()));
    }

    @Test
    void findTakesAScriptUrlAsItIsAndANameByTheScriptKilnWrote() throws Exception {
        pushed("hello", Instant.parse("2026-11-01T10:00:00Z"));
        linuxkit("theirs");
        ProviderHarness harness = new ProviderHarness(new PacketProviderFactory(), tmp)
                .flag("destination", www.toString()).flag("base-url", BASE);

        try (Provider p = inventory(harness)) {
            assertThat(p.find("hello")).extracting(Made::id).containsExactly(BASE + "/hello-equinixmetal.ipxe");
            assertThat(p.find(BASE + "/hello-equinixmetal.ipxe?X-Amz-Signature=0f")).extracting(Made::id)
                    .containsExactly(BASE + "/hello-equinixmetal.ipxe");
            assertThat(p.find("theirs")).as("a name kiln did not publish").isEmpty();
            List<Made> byUrl = p.find(BASE + "/theirs-equinixmetal.ipxe");
            assertThat(byUrl).extracting(Made::byKiln).containsExactly(false);
            assertThat(p.find("nothing")).isEmpty();
        }
    }

    @Test
    void rmRemovesTheScriptThenItsAliasKernelAndInitrdAndNothingElse() throws Exception {
        pushed("hello", Instant.parse("2026-11-01T10:00:00Z"));
        pushed("other", Instant.parse("2026-11-02T10:00:00Z"));
        ProviderHarness harness = new ProviderHarness(new PacketProviderFactory(), tmp)
                .flag("destination", www.toString()).flag("base-url", BASE);

        List<Resource> removed;
        try (Provider p = inventory(harness)) {
            Made hello = p.find("hello").get(0);
            removed = p.remove(hello);
            assertThat(p.remove(hello)).as("a second rm of what is gone").hasSize(4);
        }

        assertThat(removed).extracting(Resource::type).containsExactly("image", "ipxe-script-alias", "kernel", "initrd");
        try (Stream<Path> left = Files.list(www)) {
            assertThat(left.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("other-kernel",
                    "other-initrd.img", "other-equinixmetal.ipxe", "other-packet.ipxe");
        }
        assertThat(harness.events().text()).contains("removed image " + BASE + "/hello-equinixmetal.ipxe");
    }

    @Test
    void inABucketLsSeesOnlyThePrefixsOwnScriptsAndRmLeavesDeeperFoldersAlone() throws Exception {
        try (S3World world = new S3World()) {
            for (String prefix : List.of("boot", "boot/old")) {
                ProviderHarness push = new ProviderHarness(new PacketProviderFactory(), tmp)
                        .env("AWS_ACCESS_KEY_ID", S3World.KEY_ID).env("AWS_SECRET_ACCESS_KEY", S3World.SECRET)
                        .flag("destination", "s3://" + world.bucket + "/" + prefix).flag("endpoint-url", world.url());
                try (Provider p = new PacketProviderFactory().create(push.pushContext())) {
                    p.push(PacketProviderTckTest.kernelInitrd(tmp, "hello", DIGEST));
                }
            }
            ProviderHarness ls = new ProviderHarness(new PacketProviderFactory(), tmp)
                    .env("AWS_ACCESS_KEY_ID", S3World.KEY_ID).env("AWS_SECRET_ACCESS_KEY", S3World.SECRET)
                    .flag("destination", "s3://" + world.bucket + "/boot").flag("endpoint-url", world.url());

            try (Provider p = inventory(ls)) {
                List<Made> images = p.list(Made.Kind.IMAGE);
                assertThat(images).extracting(Made::id).containsExactly(world.url() + "/" + world.bucket
                        + "/boot/hello-equinixmetal.ipxe");
                assertThat(images.get(0).location()).isEqualTo("s3://" + world.bucket + "/boot");
                assertThat(images.get(0).parts()).extracting(Resource::type)
                        .containsExactly("ipxe-script-alias", "kernel", "initrd");
                p.remove(images.get(0));
            }

            assertThat(world.keys()).containsExactlyInAnyOrder("boot/old/hello-kernel", "boot/old/hello-initrd.img",
                    "boot/old/hello-equinixmetal.ipxe", "boot/old/hello-packet.ipxe");
            assertThat(world.mutations()).filteredOn(m -> m.startsWith("DELETE")).hasSize(4);
        }
    }

    @Test
    void lsListsTheDevicesKilnTaggedOnEveryPageNewestFirst() throws Exception {
        devices();

        List<Made> instances;
        try (Provider p = inventory(harness())) {
            instances = p.list(Made.Kind.INSTANCE);
        }

        assertThat(instances).extracting(Made::id).containsExactly(NEWER, MINE);
        Made mine = instances.get(1);
        assertThat(mine.name()).isEqualTo("hello");
        assertThat(mine.location()).isEqualTo("sv");
        assertThat(mine.state()).isEqualTo("active");
        assertThat(mine.created()).contains(Instant.parse("2026-11-01T10:00:00Z"));
        assertThat(mine.tags()).containsEntry("kiln:name", "hello").containsEntry("team", "infra");
        assertThat(calls()).containsExactly("GET /metal/v1/projects/" + PROJECT + "/devices?page=1&per_page=100",
                "GET /metal/v1/projects/" + PROJECT + "/devices?page=2&per_page=100");
        assertThat(metal.findAll(anyRequestedFor(anyUrl()))).allSatisfy(r ->
                assertThat(r.getHeader("X-Auth-Token")).isEqualTo(TOKEN));
    }

    @Test
    void findTakesADeviceIdAsItIsAndANameByTheKilnNameTag() throws Exception {
        devices();

        try (Provider p = inventory(harness())) {
            List<Made> theirs = p.find(THEIRS);
            assertThat(theirs).extracting(Made::id).containsExactly(THEIRS);
            assertThat(theirs.get(0).byKiln()).as("a device without kiln's tag").isFalse();
            assertThat(p.find(GONE)).isEmpty();
            assertThat(p.find("other")).extracting(Made::id).containsExactly(NEWER);
        }
    }

    @Test
    void rmDeletesTheDeviceAndAnAlreadyDeletedOneCountsAsRemoved() throws Exception {
        devices();
        metal.stubFor(delete(urlEqualTo("/metal/v1/devices/" + MINE)).willReturn(aResponse().withStatus(204)));
        metal.stubFor(delete(urlEqualTo("/metal/v1/devices/" + GONE)).willReturn(aResponse().withStatus(404)));

        try (Provider p = inventory(harness())) {
            Made mine = p.find("hello").stream().filter(m -> m.kind() == Made.Kind.INSTANCE).findFirst().orElseThrow();
            assertThat(p.remove(mine)).containsExactly(Resource.of("instance", MINE, "sv"));
            Made gone = Made.builder(Made.Kind.INSTANCE, GONE).location("sv").build();
            assertThat(p.remove(gone)).containsExactly(Resource.of("instance", GONE, "sv"));
        }

        assertThat(calls()).contains("DELETE /metal/v1/devices/" + MINE, "DELETE /metal/v1/devices/" + GONE);
    }

    @Test
    void aRefusedDeleteSaysTheDeviceIsStillThere() throws Exception {
        metal.stubFor(delete(urlPathEqualTo("/metal/v1/devices/" + MINE)).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/json").withBody("{\"errors\":[\"You are not authorized\"]}")));

        try (Provider p = inventory(harness())) {
            Made mine = Made.builder(Made.Kind.INSTANCE, MINE).location("sv").build();
            assertThatThrownBy(() -> p.remove(mine)).isInstanceOf(KilnException.class)
                    .hasMessageContaining("403").hasMessageContaining("You are not authorized")
                    .hasMessageContaining("kiln rm packet " + MINE).hasMessageNotContaining(TOKEN);
        }
    }

    @Test
    void anApiErrorWhileListingSaysWhatWasAskedAndWhatToCheck() {
        metal.stubFor(get(urlPathEqualTo("/metal/v1/projects/" + PROJECT + "/devices")).willReturn(aResponse()
                .withStatus(401).withHeader("Content-Type", "application/json")
                .withBody("{\"errors\":[\"Invalid authentication token\"]}")));

        try (Provider p = inventory(harness())) {
            assertThatThrownBy(() -> p.list(Made.Kind.INSTANCE)).isInstanceOf(KilnException.class)
                    .hasMessageContaining("list the devices of project " + PROJECT)
                    .hasMessageContaining("401: Invalid authentication token").hasMessageNotContaining(TOKEN);
        }
    }

    @Test
    void lsWithNeitherADestinationNorATokenSaysWhatToGive() {
        ProviderHarness bare = new ProviderHarness(new PacketProviderFactory(), tmp);

        try (Provider p = inventory(bare)) {
            assertThatThrownBy(() -> p.list(Made.Kind.IMAGE)).isInstanceOf(KilnException.class)
                    .hasMessageContaining("--destination").hasMessageContaining("METAL_AUTH_TOKEN");
        }
    }
}
