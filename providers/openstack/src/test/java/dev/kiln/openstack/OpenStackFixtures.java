package dev.kiln.openstack;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.kiln.api.DiskSource;
import dev.kiln.api.Events;
import dev.kiln.api.ImageFormat;
import dev.kiln.spi.ProviderContext;
import dev.kiln.testkit.ProviderHarness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;

/** Small images written by kiln's own conversions, and Keystone as WireMock answers for it. */
final class OpenStackFixtures {

    private static byte[] qcow2;

    private OpenStackFixtures() {
    }

    /** A 2 MiB disk with a few data blocks, as qcow2 (made once). */
    static synchronized byte[] smallQcow2() throws Exception {
        if (qcow2 == null) {
            Path dir = ProviderHarness.tempDir();
            try {
                ProviderContext context = new ProviderHarness(new OpenStackProviderFactory(), dir).pushContext();
                Path raw = ProviderHarness.sampleDisk(dir, "fixture", 2L << 20);
                Path out = dir.resolve("fixture.qcow2");
                try (DiskSource disk = context.conversions().open(raw)) {
                    context.conversions().write(disk, ImageFormat.QCOW2, out, "fixture", Events.none());
                }
                qcow2 = Files.readAllBytes(out);
            } finally {
                dev.kiln.api.Trees.deleteQuietly(dir);
            }
        }
        return qcow2.clone();
    }

    /**
     * Keystone's password token on {@code wm}, as the Identity API reference's example answers it: project
     * {@code project} ("demo"), and a catalog of one public RegionOne endpoint per {@code "type=path"} service,
     * each at {@code wm}'s own address plus its path ({@code %s} in a path is the project's id).
     */
    static void keystone(WireMockServer wm, String project, String... services) {
        String base = "http://127.0.0.1:" + wm.port();
        List<String> catalog = new ArrayList<>();
        for (String service : services) {
            String[] typeAndPath = service.split("=", 2);
            catalog.add(("{\"type\":\"%s\",\"name\":\"%s\",\"endpoints\":[{\"interface\":\"public\","
                    + "\"region\":\"RegionOne\",\"region_id\":\"RegionOne\",\"url\":\"%s\"}]}")
                    .formatted(typeAndPath[0], typeAndPath[0], base + typeAndPath[1].formatted(project)));
        }
        wm.stubFor(post("/identity/v3/auth/tokens").willReturn(aResponse().withStatus(201)
                .withHeader("X-Subject-Token", "gAAAAABkiln-test-token").withHeader("Content-Type", "application/json")
                .withBody("{\"token\":{\"methods\":[\"password\"],\"project\":{\"id\":\"" + project + "\","
                        + "\"name\":\"demo\",\"domain\":{\"id\":\"default\",\"name\":\"Default\"}},"
                        + "\"catalog\":[" + String.join(",", catalog) + "]}}")));
    }
}
