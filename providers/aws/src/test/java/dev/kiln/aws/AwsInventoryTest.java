package dev.kiln.aws;

import dev.kiln.api.Architecture;
import dev.kiln.api.Artifact;
import dev.kiln.api.BootMode;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.PublishPolicy;
import dev.kiln.spi.Made;
import dev.kiln.spi.Provider;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.Resource;
import dev.kiln.spi.RunChecks;
import dev.kiln.spi.RunRequest;
import dev.kiln.testkit.ProviderHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code kiln ls aws} and {@code kiln rm aws} against {@link Ec2World}: what EC2 is asked (Owners=self, kiln's tag
 * filters, the non-terminated states), in which order things are removed, and EC2's "already gone" answers.
 */
class AwsInventoryTest {

    static final String DIGEST_A = "sha256:" + "a".repeat(64);
    static final String DIGEST_B = "sha256:" + "b".repeat(64);

    @TempDir
    Path tmp;
    Ec2World world;
    ProviderHarness harness;

    @BeforeEach
    void start() {
        world = new Ec2World();
        harness = new AwsStandIn(world).harness(tmp);
    }

    @AfterEach
    void stop() {
        world.close();
    }

    String push(String name, String digest) throws Exception {
        Path disk = TestImages.disk(tmp, name, 4L << 20, 0, 3);
        PushRequest request = new PushRequest(Artifact.single(ImageFormat.AWS, disk), name, Architecture.AMD64,
                Set.of(BootMode.BIOS, BootMode.UEFI), digest, PublishPolicy.DEFAULT, false);
        try (Provider p = new AwsProviderFactory().create(harness.pushContext())) {
            return p.push(request).images().get(0).imageId();
        }
    }

    /** The stand-in's setup without --workers, which run does not take. */
    ProviderHarness runHarness() {
        dev.kiln.testkit.StandInSetup setup = new AwsStandIn(world).setup(tmp);
        Map<String, List<String>> flags = new java.util.LinkedHashMap<>(setup.flags());
        flags.remove("workers");
        dev.kiln.testkit.FakeTime time = new dev.kiln.testkit.FakeTime();
        return new dev.kiln.testkit.StandInSetup(setup.env(), flags).harness(new AwsProviderFactory(), tmp).clock(time)
                .sleeper(time.sleeper());
    }

    Provider inventory() {
        return new AwsProviderFactory().create(harness.inventoryContext());
    }

    /** The form parameters of every {@code action} call the world was sent, in order. */
    List<Map<String, String>> calls(String action) {
        return world.server.getAllServeEvents().stream().map(e -> e.getRequest())
                .sorted(java.util.Comparator.comparing(com.github.tomakehurst.wiremock.verification.LoggedRequest::getLoggedDate))
                .filter(r -> r.getUrl().equals("/")).map(AwsStub::form)
                .filter(f -> action.equals(f.get("Action"))).toList();
    }

    @Test
    void lsListsTheOwnImagesKilnTaggedNewestFirstWithTheirSnapshots() throws Exception {
        String older = push("hello", DIGEST_A);
        String newer = push("other", DIGEST_B);
        String theirs = "ami-0123456789abcdef0";
        world.images.put(theirs, new Ec2World.Img(theirs, Map.of("Name", "theirs",
                "BlockDeviceMapping.1.Ebs.SnapshotId", "snap-0theirs"), Map.of("team", "web")));
        int before = calls("DescribeImages").size();

        List<Made> images;
        try (Provider p = inventory()) {
            images = p.list(Made.Kind.IMAGE);
        }

        assertThat(images).extracting(Made::id).containsExactly(newer, older);
        Made hello = images.get(1);
        assertThat(hello.name()).isEqualTo("hello");
        assertThat(hello.digest()).isEqualTo(DIGEST_A);
        assertThat(hello.location()).isEqualTo("eu-west-1");
        assertThat(hello.byKiln()).isTrue();
        assertThat(hello.created()).isPresent();
        assertThat(hello.tags()).containsEntry("kiln:name", "hello").containsKey("kiln:version");
        assertThat(hello.parts()).containsExactly(Resource.of("snapshot", world.images.get(older).snapshot(), "eu-west-1"));
        Map<String, String> asked = calls("DescribeImages").get(before);
        assertThat(asked).containsEntry("Owner.1", "self").containsEntry("Filter.1.Name", "tag-key")
                .containsEntry("Filter.1.Value.1", "kiln:digest");
    }

    @Test
    void findTakesAnIdAsItIsAndANameByTheKilnNameTag() throws Exception {
        String hello = push("hello", DIGEST_A);
        String theirs = "ami-0123456789abcdef0";
        world.images.put(theirs, new Ec2World.Img(theirs, Map.of("Name", "hello",
                "BlockDeviceMapping.1.Ebs.SnapshotId", "snap-0theirs"), Map.of()));

        try (Provider p = inventory()) {
            assertThat(p.find("hello")).extracting(Made::id).containsExactly(hello);
            List<Made> byId = p.find(theirs);
            assertThat(byId).extracting(Made::id).containsExactly(theirs);
            assertThat(byId.get(0).byKiln()).as("an image without kiln's tags").isFalse();
            assertThat(p.find("ami-0fffffffffffffff0")).isEmpty();
        }
        Map<String, String> byName = calls("DescribeImages").stream().filter(f -> f.containsKey("Filter.1.Name")
                && f.get("Filter.1.Name").equals("tag:kiln:name")).findFirst().orElseThrow();
        assertThat(byName).containsEntry("Owner.1", "self").containsEntry("Filter.1.Value.1", "hello");
        assertThat(calls("DescribeInstances")).anySatisfy(f -> assertThat(f)
                .containsEntry("Filter.1.Name", "tag:kiln:name").containsEntry("Filter.1.Value.1", "hello")
                .containsEntry("Filter.2.Name", "instance-state-name"));
    }

    @Test
    void rmDeregistersTheImageFirstThenDeletesItsSnapshot() throws Exception {
        String id = push("hello", DIGEST_A);
        String snapshot = world.images.get(id).snapshot();
        int before = world.mutations().size();

        List<Resource> removed;
        try (Provider p = inventory()) {
            removed = p.remove(p.find(id).get(0));
        }

        assertThat(world.mutations().subList(before, world.mutations().size()))
                .containsExactly("DeregisterImage", "DeleteSnapshot");
        assertThat(calls("DeregisterImage").get(0)).containsEntry("ImageId", id);
        assertThat(calls("DeleteSnapshot").get(0)).containsEntry("SnapshotId", snapshot);
        assertThat(removed).containsExactly(Resource.of("image", id, "eu-west-1"),
                Resource.of("snapshot", snapshot, "eu-west-1"));
        assertThat(world.resources()).isEmpty();
    }

    @Test
    void anImageDeregisteredMeanwhileAndASnapshotAlreadyDeletedCountAsRemoved() throws Exception {
        String first = push("hello", DIGEST_A);
        String second = push("other", DIGEST_B);
        try (Provider p = inventory()) {
            Made hello = p.find(first).get(0);
            Made other = p.find(second).get(0);
            world.images.remove(first);
            world.deregistered.add(first);
            world.images.remove(second);
            world.snapshots.remove(other.parts().get(0).id());

            assertThat(p.remove(hello)).as("after InvalidAMIID.Unavailable").containsExactly(hello.resource(),
                    hello.parts().get(0));
            assertThat(p.remove(other)).as("after InvalidAMIID.NotFound and InvalidSnapshot.NotFound")
                    .containsExactly(other.resource(), other.parts().get(0));
        }
        assertThat(world.snapshots).isEmpty();
    }

    @Test
    void runTagsWhatItMakesSoLsListsTheInstanceWithItsVolumesAndInterfaceAndRmRemovesThemAll() throws Exception {
        String image = push("hello", DIGEST_A);
        String instance;
        try (Provider p = new AwsProviderFactory().create(runHarness().runContext())) {
            RunRequest request = RunRequest.of(image, "web", false).withDisks(RunChecks.disks(List.of("size=1"),
                    new AwsProviderFactory().runSupport(), "aws"));
            instance = p.run(request).instanceId();
        }
        String kept = world.instances.volume(instance, Map.of("kiln:name", "web"), false);
        world.instances.instance(Map.of("Name", "theirs"));
        Set<String> images = Set.of("image " + image, "snapshot " + world.images.get(image).snapshot());

        try (Provider p = inventory()) {
            List<Made> listed = p.list(Made.Kind.INSTANCE);

            assertThat(listed).extracting(Made::id).containsExactly(instance);
            Made web = listed.get(0);
            assertThat(web.name()).isEqualTo("web");
            assertThat(web.state()).isEqualTo("running");
            assertThat(web.tags()).containsEntry("kiln:image", image);
            assertThat(web.parts()).extracting(Resource::type)
                    .containsExactly("volume", "volume", "volume", "network-interface");
            assertThat(web.parts()).contains(Resource.of("volume", kept, "eu-west-1"));
            Map<String, String> asked = calls("DescribeInstances").get(calls("DescribeInstances").size() - 1);
            assertThat(asked).containsEntry("Filter.1.Name", "tag-key").containsEntry("Filter.1.Value.1", "kiln:name")
                    .containsEntry("Filter.2.Name", "instance-state-name").doesNotContainValue("terminated");
            assertThat(calls("DescribeVolumes").get(0)).containsEntry("Filter.1.Name", "tag-key")
                    .containsEntry("Filter.2.Name", "attachment.instance-id").containsEntry("Filter.2.Value.1", instance);
            int before = world.mutations().size();

            List<Resource> removed = p.remove(web);

            assertThat(world.mutations().subList(before, world.mutations().size())).containsExactly(
                    "TerminateInstances", "DeleteVolume", "DeleteVolume", "DeleteVolume", "DeleteNetworkInterface");
            assertThat(removed).containsExactlyElementsOf(java.util.stream.Stream.concat(
                    java.util.stream.Stream.of(web.resource()), web.parts().stream()).toList());
            assertThat(world.resources()).as("the user's instance and the image are left")
                    .containsAll(images).noneMatch(r -> r.contains(instance) || r.contains(kept))
                    .anyMatch(r -> r.startsWith("instance "));
            assertThat(p.find(instance)).as("a terminated instance").isEmpty();
            assertThat(p.list(Made.Kind.INSTANCE)).isEmpty();
        }
    }

    @Test
    void anInstanceWithoutKilnTagsIsFoundByIdOnlyAndOneThatIsGoneIsNoError() throws Exception {
        String theirs = world.instances.instance(Map.of("Name", "theirs"));

        try (Provider p = inventory()) {
            List<Made> found = p.find(theirs);
            assertThat(found).extracting(Made::id).containsExactly(theirs);
            assertThat(found.get(0).byKiln()).isFalse();
            assertThat(p.find("theirs")).isEmpty();

            Made gone = Made.builder(Made.Kind.INSTANCE, "i-0000000000000dead").location("eu-west-1")
                    .part(Resource.of("volume", "vol-0000000000000dead", "eu-west-1")).build();
            assertThat(p.remove(gone)).as("InvalidInstanceID.NotFound, InvalidVolume.NotFound")
                    .containsExactly(gone.resource(), gone.parts().get(0));
        }
        assertThat(world.instances.instances.get(theirs).state).isEqualTo("running");
    }

    @Test
    void aFailedRemovalSaysWhatWasRemovedAndHowToRemoveWhatIsLeft() throws Exception {
        String id = push("hello", DIGEST_A);
        String snapshot = world.images.get(id).snapshot();
        try (Provider p = inventory()) {
            Made hello = p.find(id).get(0);
            world.failMutation(2);

            assertThatThrownBy(() -> p.remove(hello)).isInstanceOf(dev.kiln.api.KilnException.class)
                    .hasMessageContaining("InvalidParameterValue")
                    .hasMessageContaining("Removed: image " + id + " in eu-west-1")
                    .hasMessageContaining("left: snapshot " + snapshot + " in eu-west-1 (aws ec2 --region eu-west-1 "
                            + "delete-snapshot --snapshot-id " + snapshot + ")");
        }
        assertThat(world.resources()).containsExactly("snapshot " + snapshot);
    }
}
