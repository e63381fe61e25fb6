package dev.kiln.gcp;

import dev.kiln.api.ImageFormat;
import dev.kiln.spi.Made;
import dev.kiln.spi.Provider;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.Resource;
import dev.kiln.testkit.ProviderHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code kiln ls gcp} and {@code kiln rm gcp} against {@link GcpStandIn}: the label filters Compute is sent, images and
 * instances in every zone, the disks an instance leaves behind, and 404s counting as gone.
 */
class GcpInventoryTest {

    static final String DIGEST_A = "sha256:" + "a".repeat(64);
    static final String DIGEST_B = "sha256:" + "b".repeat(64);
    static final String IMAGES = "projects/" + GcpFake.PROJECT + "/global/images/";
    static final String ZONE = "europe-west1-d";

    @TempDir
    Path tmp;
    GcpStandIn google;
    FakeZones zones;
    ProviderHarness harness;

    @BeforeEach
    void start() throws Exception {
        google = new GcpStandIn();
        zones = google.compute().zones;
        harness = google.harness(tmp);
    }

    @AfterEach
    void stop() {
        google.close();
    }

    String push(String name, String digest) throws Exception {
        Path file = tmp.resolve(name + ".img.tar.gz");
        GcpPushTest.tarGz(file, 64 * 1024);
        try (Provider p = new GcpProviderFactory().create(harness.pushContext())) {
            return p.push(PushRequest.of(file, ImageFormat.GCP, name, digest)).images().get(0).imageId();
        }
    }

    Provider inventory() {
        return new GcpProviderFactory().create(harness.inventoryContext());
    }

    Map<String, String> kiln(String name) {
        return Map.of("kiln-name", name, "kiln-image", "hello", "kiln-version", "0_1_0");
    }

    @Test
    void lsListsTheImagesKilnLabelledNewestFirstWithTheWholeDigest() throws Exception {
        String older = push("hello", DIGEST_A);
        String newer = push("other", DIGEST_B);
        zones.filters.clear();

        List<Made> images;
        try (Provider p = inventory()) {
            images = p.list(Made.Kind.IMAGE);
        }

        assertThat(zones.filters).containsExactly("labels.kiln-digest:*");
        assertThat(images).extracting(Made::id).containsExactly(newer, older);
        Made hello = images.get(1);
        assertThat(hello.id()).isEqualTo(IMAGES + "hello");
        assertThat(hello.name()).isEqualTo("hello");
        assertThat(hello.digest()).isEqualTo(DIGEST_A);
        assertThat(hello.byKiln()).isTrue();
        assertThat(hello.created()).isPresent();
        assertThat(hello.tags()).containsEntry("kiln-name", "hello").containsKey("kiln-digest");
    }

    @Test
    void findTakesAPathOrANameAndRmDeletesTheImageOnceAndThenFindsItGone() throws Exception {
        String id = push("hello", DIGEST_A);

        try (Provider p = inventory()) {
            assertThat(p.find(id)).extracting(Made::id).containsExactly(id);
            zones.filters.clear();
            List<Made> byName = p.find("hello");
            assertThat(byName).extracting(Made::id).containsExactly(id);
            assertThat(zones.filters).containsExactly("labels.kiln-name = \"hello\"", "labels.kiln-name = \"hello\"");
            int before = google.mutations().size();

            assertThat(p.remove(byName.get(0))).containsExactly(Resource.of("image", id, ""));
            assertThat(google.mutations().subList(before, google.mutations().size()))
                    .containsExactly("DELETE /compute/v1/" + id);
            assertThat(p.find(id)).isEmpty();
            assertThat(p.remove(byName.get(0))).as("a 404 is gone, not an error").hasSize(1);
        }
    }

    @Test
    void lsListsInstancesOfEveryZoneWithTheDisksKilnMadeAndRmDeletesWhatOutlivesTheInstance() throws Exception {
        zones.instance(ZONE, "web", kiln("web"), true);
        zones.instance("us-central1-a", "theirs", Map.of("team", "web"), true);

        try (Provider p = inventory()) {
            List<Made> listed = p.list(Made.Kind.INSTANCE);

            assertThat(zones.filters).containsExactly("labels.kiln-image:*", "labels.kiln-image:*");
            assertThat(listed).extracting(Made::id).containsExactly("projects/kiln-test/zones/" + ZONE + "/instances/web");
            Made web = listed.get(0);
            assertThat(web.name()).isEqualTo("web");
            assertThat(web.location()).isEqualTo(ZONE);
            assertThat(web.state()).isEqualTo("running");
            assertThat(web.parts()).containsExactly(Resource.of("disk", "web", ZONE), Resource.of("disk", "web-disk-1", ZONE));
            int before = google.mutations().size();

            List<Resource> removed = p.remove(web);

            String zone = "DELETE /compute/v1/projects/kiln-test/zones/" + ZONE;
            assertThat(google.mutations().subList(before, google.mutations().size()))
                    .as("the instance first (taking its boot disk), then the disk that outlived it")
                    .containsExactly(zone + "/instances/web", zone + "/disks/web-disk-1");
            assertThat(removed).containsExactly(web.resource(), web.parts().get(0), web.parts().get(1));
            assertThat(google.resources()).containsExactlyInAnyOrder("instance us-central1-a/theirs",
                    "disk us-central1-a/theirs", "disk us-central1-a/theirs-disk-1");
            assertThat(p.list(Made.Kind.INSTANCE)).isEmpty();
        }
    }

    @Test
    void anInstanceWithoutKilnLabelsIsFoundByPathOnlyAndRemovingOneThatIsGoneIsNoError() throws Exception {
        zones.instance("us-central1-a", "theirs", Map.of("team", "web"), false);
        String path = "projects/kiln-test/zones/us-central1-a/instances/theirs";

        try (Provider p = inventory()) {
            List<Made> found = p.find(path);
            assertThat(found).extracting(Made::id).containsExactly(path);
            assertThat(found.get(0).byKiln()).isFalse();
            assertThat(p.find("theirs")).as("a bare name is an image name or kiln's kiln-name label").isEmpty();

            Made gone = Made.builder(Made.Kind.INSTANCE, "projects/kiln-test/zones/" + ZONE + "/instances/gone")
                    .location(ZONE).part(Resource.of("disk", "gone-disk-1", ZONE)).build();
            int before = google.mutations().size();
            assertThat(p.remove(gone)).containsExactly(gone.resource(), gone.parts().get(0));
            assertThat(google.mutations().subList(before, google.mutations().size()))
                    .containsExactly("DELETE /compute/v1/projects/kiln-test/zones/" + ZONE + "/instances/gone");
        }
        assertThat(google.resources()).contains("instance us-central1-a/theirs");
    }

    @Test
    void aFailedRemovalSaysHowToRemoveWhatIsLeft() throws Exception {
        zones.instance(ZONE, "web", kiln("web"), true);
        try (Provider p = inventory()) {
            Made web = p.list(Made.Kind.INSTANCE).get(0);
            google.failMutation(2);

            assertThatThrownBy(() -> p.remove(web)).isInstanceOf(dev.kiln.api.KilnException.class)
                    .hasMessageContaining("delete disk web-disk-1 in " + ZONE)
                    .hasMessageContaining("Removed: instance " + web.id() + " in " + ZONE)
                    .hasMessageContaining("left: disk web-disk-1 in " + ZONE + " (gcloud compute disks delete web-disk-1"
                            + " --zone " + ZONE + " --project kiln-test)");
        }
        assertThat(google.resources()).containsExactly("disk " + ZONE + "/web-disk-1");
    }
}
