package dev.kiln.openstack;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.kiln.api.ImageFormat;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.PushRequest;
import dev.kiln.testkit.ProviderHarness;
import dev.kiln.testkit.ProviderTck;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

/**
 * The provider TCK against the real Keystone and Glance of {@link KeystoneGlance}: the stand-in's mutation log and
 * faults are the {@link GlanceProxy} the catalog names as Glance's public endpoint; resources are what Glance holds.
 * Nova, which has no local server, is a WireMock at the catalog's compute endpoint holding no servers (kiln rm
 * looks there for a name or id Glance does not know).
 */
class OpenStackProviderTckTest extends ProviderTck {

    @Override
    protected ProviderFactory factory() {
        return new OpenStackProviderFactory();
    }

    @Override
    protected StandIn newStandIn() throws Exception {
        KeystoneGlance rig = KeystoneGlance.shared();
        // a fresh cloud for each case, as the TCK expects: its digests repeat across cases (the replace case's
        // 'c' is the ls case's), and a shared Glance would answer a push with another case's image
        rig.deleteAll();
        rig.proxy.reset();
        WireMockServer nova = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1")
                .port(rig.novaPort));
        nova.start();
        nova.stubFor(get("/compute/v2.1/servers/detail").willReturn(okJson("{\"servers\":[],\"servers_links\":[]}")));
        nova.stubFor(get(urlPathMatching("/compute/v2.1/servers/[0-9a-f-]+")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json").withBody(
                        "{\"itemNotFound\":{\"code\":404,\"message\":\"Instance could not be found.\"}}")));
        return new StandIn() {
            @Override
            public ProviderHarness harness(Path workDir) {
                ProviderHarness h = new ProviderHarness(new OpenStackProviderFactory(), workDir);
                rig.passwordEnv().forEach(h::env);
                return h;
            }

            @Override
            public List<String> mutations() {
                return rig.proxy.mutations();
            }

            @Override
            public Set<String> resources() throws Exception {
                return rig.images();
            }

            @Override
            public Map<String, String> images(String name) throws Exception {
                return rig.imagesNamed(name);
            }

            @Override
            public void failMutation(int n) {
                rig.proxy.failMutation(n);
            }

            @Override
            public void onMutation(int n, Runnable action) {
                rig.proxy.onMutation(n, action);
            }

            @Override
            public Set<String> secrets() {
                return Set.of(KeystoneGlance.PASSWORD);
            }

            @Override
            public void close() {
                nova.stop();
                rig.proxy.reset();
            }
        };
    }

    @Override
    protected PushRequest pushRequest(Path dir, String name, String digest) throws Exception {
        Path file = dir.resolve(name + ".qcow2");
        if (!Files.exists(file)) {
            Files.write(file, OpenStackFixtures.smallQcow2());
        }
        return PushRequest.of(file, ImageFormat.QCOW2_BIOS, name, digest);
    }
}
