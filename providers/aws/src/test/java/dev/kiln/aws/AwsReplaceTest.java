package dev.kiln.aws;

import dev.kiln.api.Architecture;
import dev.kiln.api.BootMode;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.KilnException;
import dev.kiln.api.PublishPolicy;
import dev.kiln.api.PublishPolicy.IfExists;
import dev.kiln.spi.Provider;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.testkit.ProviderHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** {@code --if-exists replace} on AMI names, which are unique: the published image is never lost. */
class AwsReplaceTest {

    static final String OLD = "blocks-sha256:" + "0".repeat(64);
    static final String NEW = "blocks-sha256:" + "1".repeat(64);

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

    PushResult push(String digest, PublishPolicy policy, int... blocks) throws Exception {
        Path disk = TestImages.disk(tmp, "hello-" + digest.charAt(digest.length() - 1), 4L << 20, blocks);
        PushRequest request = AwsPushTest.request(disk, ImageFormat.AWS, Architecture.AMD64,
                Set.of(BootMode.BIOS, BootMode.UEFI), policy).withContentDigest(digest);
        try (Provider p = new AwsProviderFactory().create(harness.pushContext())) {
            return p.push(request);
        }
    }

    static PublishPolicy policy(IfExists ifExists, String description) {
        return new PublishPolicy(ifExists, false, List.of(), Optional.of(description), Map.of("team", "images"));
    }

    @Test
    void afterAFailedRegistrationAnImageOfThatNameWithTheOldContentExists() throws Exception {
        push(OLD, policy(IfExists.SKIP, "the old one"), 0, 3);
        Ec2World.Img old = world.images.values().iterator().next();
        world.failRegisterOnce(snapshot -> !snapshot.equals(old.snapshot()));

        Throwable failure = catchThrowable(() -> push(NEW, policy(IfExists.REPLACE, "the new one"), 1, 5));

        Map<String, String> named = world.images("hello");
        assertThat(named).as("images named hello").hasSize(1).containsValue(OLD);
        String restoredId = named.keySet().iterator().next();
        Ec2World.Img restored = world.images.get(restoredId);
        assertThat(restoredId).isNotEqualTo(old.id());
        assertThat(restored.snapshot()).as("the old content: the old snapshot").isEqualTo(old.snapshot());
        assertThat(restored.tags()).isEqualTo(old.tags());
        for (String setting : List.of("Name", "Description", "Architecture", "BootMode", "EnaSupport", "RootDeviceName",
                "VirtualizationType", "BlockDeviceMapping.1.DeviceName", "BlockDeviceMapping.1.Ebs.VolumeType",
                "BlockDeviceMapping.1.Ebs.DeleteOnTermination")) {
            assertThat(restored.params().get(setting)).as(setting).isEqualTo(old.params().get(setting));
        }
        assertThat(failure).isInstanceOf(KilnException.class).hasMessageContaining("InvalidParameterValue")
                .hasMessageContaining("registered again as " + restoredId)
                .hasMessageContaining("removed snapshot");
        assertThat(world.resources()).as("the new snapshot is gone, the old image and snapshot are back")
                .containsExactlyInAnyOrder("image " + restoredId, "snapshot " + old.snapshot());
    }

    @Test
    void replaceUploadsAndWaitsFirstThenSwapsTheNameAndDeletesTheOldSnapshotLast() throws Exception {
        push(OLD, policy(IfExists.SKIP, "the old one"), 0, 3);
        Ec2World.Img old = world.images.values().iterator().next();
        int before = world.mutations().size();

        PushResult result = push(NEW, policy(IfExists.REPLACE, "the new one"), 1, 5);

        List<String> calls = world.mutations().subList(before, world.mutations().size());
        assertThat(calls).containsSubsequence("StartSnapshot", "CompleteSnapshot", "DeregisterImage", "RegisterImage",
                "DeleteSnapshot");
        assertThat(calls.subList(calls.indexOf("DeregisterImage"), calls.size()))
                .containsExactly("DeregisterImage", "RegisterImage", "DeleteSnapshot");
        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.REPLACED);
        assertThat(world.images("hello")).hasSize(1).containsValue(NEW);
        assertThat(world.snapshots).doesNotContainKey(old.snapshot());
        assertThat(result.resources()).extracting(r -> r.type() + " " + r.id())
                .contains("removed-image " + old.id(), "removed-snapshot " + old.snapshot());
    }

    @Test
    void aFailedDeregistrationLeavesTheOldImageAndRemovesTheNewSnapshot() throws Exception {
        push(OLD, policy(IfExists.SKIP, "the old one"), 0, 3);
        Set<String> before = world.resources();
        world.failMutation(5);

        Throwable failure = catchThrowable(() -> push(NEW, policy(IfExists.REPLACE, "the new one"), 1, 5));

        assertThat(world.mutations()).contains("DeregisterImage");
        assertThat(failure).isInstanceOf(KilnException.class).hasMessageContaining("removed snapshot");
        assertThat(world.resources()).isEqualTo(before);
        assertThat(world.images("hello")).containsValue(OLD);
    }

    /** AWS answers InvalidAMIID.Unavailable for an AMI already deregistered: that is gone, and its snapshots still go. */
    @Test
    void anImageAlreadyDeregisteredCountsAsGoneAndItsSnapshotsAreStillDeleted() throws Exception {
        push(OLD, policy(IfExists.SKIP, "the old one"), 0, 3);
        Ec2World.Img old = world.images.values().iterator().next();
        try (software.amazon.awssdk.services.ec2.Ec2Client ec2 = software.amazon.awssdk.services.ec2.Ec2Client.builder()
                .endpointOverride(java.net.URI.create(world.url()))
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .httpClientBuilder(software.amazon.awssdk.http.apache.ApacheHttpClient.builder())
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("AKIDTEST", "secret")))
                .build()) {
            OwnImage image = OwnImage.of(ec2.describeImages(b -> b.imageIds(old.id())).images().get(0));
            ec2.deregisterImage(b -> b.imageId(old.id()));

            new RemoveImage(ec2).remove(image);
        }

        assertThat(world.mutations()).containsSubsequence("DeregisterImage", "DeregisterImage", "DeleteSnapshot");
        assertThat(world.snapshots).doesNotContainKey(old.snapshot());
        assertThat(world.resources()).isEmpty();
    }

    /** Dedupe is by content: the image found under another name is reported as it is, its name and tags. */
    @Test
    void aRePushUnderAnotherNameReportsTheFoundImageWithItsOwnNameAndTags() throws Exception {
        push(OLD, policy(IfExists.SKIP, "the old one"), 0, 3);
        Ec2World.Img old = world.images.values().iterator().next();
        Path disk = TestImages.disk(tmp, "again", 4L << 20, 0, 3);
        PushRequest renamed = new PushRequest(dev.kiln.api.Artifact.single(ImageFormat.AWS, disk), "hello-s3",
                Architecture.AMD64, Set.of(BootMode.BIOS, BootMode.UEFI), OLD, policy(IfExists.SKIP, "renamed"), false);

        PushResult result;
        try (Provider p = new AwsProviderFactory().create(harness.pushContext())) {
            result = p.push(renamed);
        }

        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.EXISTED);
        assertThat(result.images()).extracting(PushResult.Placement::imageId).containsExactly(old.id());
        assertThat(result.name()).isEqualTo("hello");
        assertThat(result.tags()).isEqualTo(old.tags()).containsEntry("kiln:name", "hello");
        assertThat(harness.events().text()).contains("under the name hello, not hello-s3");
        assertThat(world.images("hello-s3")).isEmpty();
    }

    @Test
    void aDryRunChangesNothingAndNamesTheMethodAsTheFlagSpellsIt() throws Exception {
        Path disk = TestImages.disk(tmp, "dry", 4L << 20, 0, 3);
        PushRequest request = AwsPushTest.request(disk, ImageFormat.AWS, Architecture.AMD64,
                Set.of(BootMode.BIOS, BootMode.UEFI), policy(IfExists.SKIP, "dry")).withContentDigest(NEW).withDryRun(true);

        PushResult result;
        try (Provider p = new AwsProviderFactory().create(harness.pushContext())) {
            result = p.push(request);
        }

        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.DRY_RUN);
        assertThat(world.mutations()).isEmpty();
        assertThat(harness.events().text()).contains(" by ebs-direct and register hello").doesNotContain("EBS_DIRECT");
    }
}
