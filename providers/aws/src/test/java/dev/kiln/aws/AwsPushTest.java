package dev.kiln.aws;

import dev.kiln.testkit.FakeTime;
import dev.kiln.api.Architecture;
import dev.kiln.api.Artifact;
import dev.kiln.api.BootMode;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.KilnException;
import dev.kiln.api.PublishPolicy;
import dev.kiln.api.PublishPolicy.IfExists;
import dev.kiln.spi.Provider;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.testing.HostTools;
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
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.kiln.aws.EbsStub.Fault2.RESET;
import static dev.kiln.aws.EbsStub.Fault2.THROTTLE;
import static dev.kiln.aws.EbsStub.Fault2.UNAVAILABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AwsPushTest {

    static final String DIGEST = "sha256:" + "c0ffee".repeat(10) + "abcd";

    @TempDir
    Path tmp;
    AwsStub aws;
    ProviderHarness harness;
    /** The shared push flags (--if-exists, --public, --share-with, --description, --tag) as the CLI hands them over. */
    PublishPolicy policy = PublishPolicy.DEFAULT;

    @BeforeEach
    void start() {
        aws = new AwsStub();
        harness = harness(aws, tmp).flag("workers", "4");
    }

    @AfterEach
    void stop() {
        aws.close();
    }

    static ProviderHarness harness(AwsStub aws, Path tmp) {
        FakeTime time = new FakeTime();
        return new ProviderHarness(new AwsProviderFactory(), tmp).clock(time).sleeper(time.sleeper())
                .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE").env("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
                .env("AWS_EC2_METADATA_DISABLED", "true")
                .env("AWS_CONFIG_FILE", tmp.resolve("no-config").toString())
                .env("AWS_SHARED_CREDENTIALS_FILE", tmp.resolve("no-credentials").toString())
                .env("AWS_REGION", "eu-west-1")
                .flag("endpoint-url", aws.url()).flag("poll-interval", "10ms");
    }

    static PushRequest request(Path image, ImageFormat format, Architecture arch, Set<BootMode> boot,
                               PublishPolicy policy) {
        return new PushRequest(Artifact.single(format, image), "hello", arch, boot, DIGEST, policy, false);
    }

    static PublishPolicy policy(IfExists ifExists, boolean isPublic, List<String> shareWith, Map<String, String> tags) {
        return new PublishPolicy(ifExists, isPublic, shareWith, Optional.empty(), tags);
    }

    PushResult push(Path image) throws Exception {
        return push(request(image, ImageFormat.AWS, Architecture.AMD64, Set.of(BootMode.BIOS, BootMode.UEFI), policy));
    }

    PushResult push(PushRequest request) throws Exception {
        try (Provider p = new AwsProviderFactory().create(harness.pushContext())) {
            return p.push(request);
        }
    }

    Path sample() throws Exception {
        // 8 MiB + 100 KiB: blocks 0, 3 and 9 hold data, 16 is the short last block, also with data
        return TestImages.disk(tmp, "hello", (8L << 20) + 100 * 1024 + 4096 + 1000, 0, 3, 9, 16);
    }

    @Test
    void uploadsOnlyNonZeroBlocksEachOnceWithTheirChecksums() throws Exception {
        PushResult result = push(sample());

        assertThat(aws.ebs.accepted.keySet()).containsExactlyInAnyOrder(0, 3, 9, 16);
        assertThat(aws.ebs.accepted.values()).allMatch(n -> n.get() == 1);
        assertThat(aws.ebs.completedCount).isEqualTo(4);
        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.CREATED);
        assertThat(result.artifactId()).isEqualTo("eu-west-1:" + AwsStub.IMAGE);
        assertThat(result.resources()).extracting(r -> r.id()).contains(AwsStub.SNAPSHOT);
    }

    @Test
    void aStreamOptimizedVmdkUploadsTheSameBlocksAsItsRawDisk() throws Exception {
        Path raw = sample();
        Path vmdk = tmp.resolve("hello.vmdk");
        Process convert = HostTools.command("qemu-img", "convert", "-f", "raw", "-O", "vmdk", "-o",
                "subformat=streamOptimized", raw.toString(), vmdk.toString()).inheritIO().start();
        assertThat(convert.waitFor()).isZero();

        push(request(vmdk, ImageFormat.VMDK, Architecture.AMD64, Set.of(BootMode.BIOS, BootMode.UEFI), policy));

        assertThat(aws.ebs.accepted.keySet()).containsExactlyInAnyOrder(0, 3, 9, 16);
        assertThat(aws.ebs.completedCount).isEqualTo(4);
    }

    @Test
    void startsAWholeGibSnapshotTaggedFromTheStart() throws Exception {
        policy = policy(IfExists.SKIP, false, List.of(), Map.of("team", "images"));
        push(sample());

        String start = aws.requests("POST", "/snapshots").stream().filter(r -> r.getUrl().equals("/snapshots"))
                .findFirst().orElseThrow().getBodyAsString();
        assertThat(start).contains("\"VolumeSize\":1").contains("\"ClientToken\":\"")
                .contains("{\"Key\":\"kiln:digest\",\"Value\":\"" + DIGEST + "\"}")
                .contains("{\"Key\":\"kiln:name\",\"Value\":\"hello\"}")
                .contains("{\"Key\":\"team\",\"Value\":\"images\"}").contains("\"Timeout\":60");
    }

    @Test
    void registersAnHvmImageOnGp3WithUefiPreferredEnaAndTags() throws Exception {
        policy = policy(IfExists.SKIP, false, List.of(), Map.of("team", "images"));
        push(sample());

        Map<String, String> r = aws.calls("RegisterImage").get(0);
        assertThat(r).containsEntry("Name", "hello").containsEntry("Architecture", "x86_64")
                .containsEntry("RootDeviceName", "/dev/xvda").containsEntry("VirtualizationType", "hvm")
                .containsEntry("BlockDeviceMapping.1.DeviceName", "/dev/xvda")
                .containsEntry("BlockDeviceMapping.1.Ebs.SnapshotId", AwsStub.SNAPSHOT)
                .containsEntry("BlockDeviceMapping.1.Ebs.VolumeType", "gp3")
                .containsEntry("BlockDeviceMapping.1.Ebs.DeleteOnTermination", "true")
                .containsEntry("EnaSupport", "true").containsEntry("BootMode", "uefi-preferred")
                .doesNotContainKey("ImdsSupport").doesNotContainKey("TpmSupport");
        assertThat(AwsStub.tags(r, "TagSpecification.1.Tag.")).containsEntry("kiln:name", "hello")
                .containsEntry("kiln:digest", DIGEST).containsKey("kiln:version").containsEntry("team", "images");
        assertThat(r).containsEntry("TagSpecification.1.ResourceType", "image");
    }

    @Test
    void tpmAndImdsV2AreOptInAndTpmBringsUefi() throws Exception {
        harness.flag("tpm", "true").flag("imds-support", "v2.0");
        push(request(sample(), ImageFormat.AWS, Architecture.ARM64, Set.of(BootMode.BIOS, BootMode.UEFI), policy));

        Map<String, String> r = aws.calls("RegisterImage").get(0);
        assertThat(r).containsEntry("TpmSupport", "v2.0").containsEntry("ImdsSupport", "v2.0")
                .containsEntry("BootMode", "uefi").containsEntry("Architecture", "arm64");
    }

    @Test
    void aRePushOfTheSameDigestUploadsNothingAndReportsTheImage() throws Exception {
        aws.ec2Where("DescribeImages", "tag%3Akiln%3Adigest", AwsStub.images(
                AwsStub.image("ami-0old", "hello", DIGEST, "snap-0old")));

        PushResult result = push(sample());

        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.EXISTED);
        assertThat(result.images()).containsExactly(new PushResult.Placement("eu-west-1", "ami-0old"));
        assertThat(aws.requests("POST", "/snapshots")).isEmpty();
        assertThat(aws.ebs.attempts.get()).isZero();
        assertThat(aws.calls("RegisterImage")).isEmpty();
    }

    @Test
    void replaceRegistersTheNewImageThenRemovesTheOldImageAndSnapshot() throws Exception {
        aws.ec2Where("DescribeImages", "Filter.1.Name=name", AwsStub.images(
                AwsStub.image("ami-0old", "hello", "sha256:" + "0".repeat(64), "snap-0old")));
        aws.ec2Where("DescribeImages", "ImageId.1=ami-0old", AwsStub.images(
                AwsStub.image("ami-0old", "hello", "sha256:" + "0".repeat(64), "snap-0old")));
        policy = policy(IfExists.REPLACE, false, List.of(), Map.of());

        PushResult result = push(sample());

        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.REPLACED);
        assertThat(aws.calls("DeregisterImage")).extracting(c -> c.get("ImageId")).containsOnly("ami-0old");
        assertThat(aws.calls("DeleteSnapshot")).extracting(c -> c.get("SnapshotId")).containsExactly("snap-0old");
        assertThat(aws.calls("RegisterImage")).hasSize(1);
        assertThat(result.resources()).extracting(r -> r.type() + " " + r.id())
                .contains("removed-image ami-0old", "removed-snapshot snap-0old");
    }

    @Test
    void skipRefusesANameHeldByOtherContentBeforeUploading() throws Exception {
        aws.ec2Where("DescribeImages", "Filter.1.Name=name", AwsStub.images(
                AwsStub.image("ami-0old", "hello", "sha256:" + "0".repeat(64), "snap-0old")));

        assertThatThrownBy(() -> push(sample())).isInstanceOf(KilnException.class)
                .hasMessageContaining("ami-0old").hasMessageContaining("--if-exists replace");
        assertThat(aws.requests("POST", "/snapshots")).isEmpty();
    }

    @Test
    void throttling503AndAConnectionResetAreRetriedAndTheUploadCompletes() throws Exception {
        aws.ebs.fail(0, THROTTLE, THROTTLE);
        aws.ebs.fail(3, UNAVAILABLE);
        aws.ebs.fail(9, RESET);

        PushResult result = push(sample());

        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.CREATED);
        assertThat(aws.ebs.accepted.keySet()).containsExactlyInAnyOrder(0, 3, 9, 16);
        assertThat(aws.ebs.accepted.values()).allMatch(n -> n.get() == 1);
        assertThat(aws.ebs.attempts.get()).isEqualTo(8);
        assertThat(aws.calls("DeleteSnapshot")).isEmpty();
    }

    @Test
    void aPermanentFailureInCompleteSnapshotDeletesTheSnapshotAndSaysSo() throws Exception {
        aws.server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(
                        com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching("/snapshots/completion/.*"))
                .atPriority(1).willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(403)
                        .withHeader("x-amzn-ErrorType", "AccessDeniedException")
                        .withBody("{\"Message\":\"User is not authorized to perform ebs:CompleteSnapshot\",\"Reason\":\"UNAUTHORIZED_ACCOUNT\"}")));

        assertThatThrownBy(() -> push(sample())).isInstanceOf(KilnException.class)
                .hasMessageContaining("AccessDeniedException")
                .hasMessageContaining("removed snapshot " + AwsStub.SNAPSHOT);
        assertThat(aws.calls("DeleteSnapshot")).extracting(c -> c.get("SnapshotId")).containsExactly(AwsStub.SNAPSHOT);
        assertThat(aws.calls("RegisterImage")).isEmpty();
    }

    @Test
    void aPermanentFailureInRegisterImageDeletesTheSnapshotAndSaysSo() throws Exception {
        aws.ec2Error("RegisterImage", 400, "InvalidParameterValue", "Value (foo) for parameter bootMode is invalid");

        assertThatThrownBy(() -> push(sample())).isInstanceOf(KilnException.class)
                .hasMessageContaining("InvalidParameterValue")
                .hasMessageContaining("removed snapshot " + AwsStub.SNAPSHOT);
        assertThat(aws.calls("DeleteSnapshot")).extracting(c -> c.get("SnapshotId")).containsExactly(AwsStub.SNAPSHOT);
    }

    @Test
    void expiredCredentialsGiveAClearMessageBeforeAnyUpload() throws Exception {
        aws.server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/").atPriority(1)
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("Action=GetCallerIdentity"))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(403)
                        .withHeader("Content-Type", "text/xml")
                        .withBody("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
                                + "<Type>Sender</Type><Code>ExpiredToken</Code><Message>The security token included in "
                                + "the request is expired</Message></Error><RequestId>a1b2</RequestId></ErrorResponse>")));

        assertThatThrownBy(() -> push(sample())).isInstanceOf(KilnException.class)
                .hasMessageContaining("ExpiredToken").hasMessageContaining("expired")
                .hasMessageContaining("aws sso login").hasMessageNotContaining("wJalrXUtnFEMI");
        assertThat(aws.requests("POST", "/snapshots")).isEmpty();
    }

    @Test
    void aMissingRegionFailsNamingTheVariables() throws Exception {
        ProviderHarness noRegion = new ProviderHarness(new AwsProviderFactory(), tmp)
                .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE").env("AWS_SECRET_ACCESS_KEY", "x")
                .env("AWS_CONFIG_FILE", tmp.resolve("none").toString()).flag("endpoint-url", aws.url());
        try (Provider p = new AwsProviderFactory().create(noRegion.pushContext())) {
            assertThatThrownBy(() -> p.push(request(sample(), ImageFormat.AWS, Architecture.AMD64,
                    Set.of(BootMode.UEFI), policy)))
                    .hasMessageContaining("--region").hasMessageContaining("AWS_REGION")
                    .hasMessageContaining("AWS_DEFAULT_REGION");
        }
        assertThat(aws.server.getAllServeEvents()).isEmpty();
    }

    @Test
    void ctrlCHalfWayDeletesTheUnfinishedSnapshot() throws Exception {
        aws.server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.put(
                        com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching("/snapshots/.*/blocks/.*"))
                .atPriority(1).willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                        .withFixedDelay(3000).withTransformers(EbsStub.NAME)));
        Thread self = Thread.currentThread();
        AtomicBoolean once = new AtomicBoolean();
        // the first block PUT has reached the server, whose answer is held back: Ctrl-C now
        aws.server.addMockServiceRequestListener((request, response) -> {
            if (request.getMethod().getName().equals("PUT") && request.getUrl().startsWith("/snapshots/")
                    && once.compareAndSet(false, true)) {
                self.interrupt();
            }
        });

        assertThatThrownBy(() -> push(sample())).isInstanceOf(KilnException.class)
                .hasMessageContaining("Stopped").hasMessageContaining("removed snapshot " + AwsStub.SNAPSHOT);
        assertThat(Thread.interrupted()).isTrue();
        assertThat(aws.calls("DeleteSnapshot")).extracting(c -> c.get("SnapshotId")).containsExactly(AwsStub.SNAPSHOT);
        assertThat(aws.calls("RegisterImage")).isEmpty();
    }

    @Test
    void copiesReachTwoRegionsTaggedAndAreReported() throws Exception {
        harness.flag("regions", "us-east-1,us-west-2");
        aws.ec2("CopyImage", "<imageId>ami-0copy1234567890ab</imageId>");

        PushResult result = push(sample());

        List<Map<String, String>> copies = aws.calls("CopyImage");
        assertThat(copies).extracting(c -> c.get("@region")).containsExactlyInAnyOrder("us-east-1", "us-west-2");
        assertThat(copies).allSatisfy(c -> {
            assertThat(c).containsEntry("SourceRegion", "eu-west-1").containsEntry("SourceImageId", AwsStub.IMAGE)
                    .containsEntry("Name", "hello");
            assertThat(AwsStub.tags(c, "TagSpecification.1.Tag.")).containsEntry("kiln:digest", DIGEST);
        });
        assertThat(result.images()).extracting(PushResult.Placement::location)
                .containsExactly("eu-west-1", "us-east-1", "us-west-2");
    }

    @Test
    void publicAndSharedImagesGetLaunchAndVolumePermissions() throws Exception {
        policy = policy(IfExists.SKIP, true, List.of("210987654321"), Map.of());

        push(sample());

        Map<String, String> image = aws.calls("ModifyImageAttribute").get(0);
        assertThat(image).containsEntry("LaunchPermission.Add.1.Group", "all")
                .containsEntry("LaunchPermission.Add.2.UserId", "210987654321");
        Map<String, String> snap = aws.calls("ModifySnapshotAttribute").get(0);
        assertThat(snap).containsEntry("SnapshotId", AwsStub.SNAPSHOT)
                .containsEntry("CreateVolumePermission.Add.1.Group", "all");
    }

    @Test
    void blockPublicAccessStopsPublicBeforeUploading() throws Exception {
        policy = policy(IfExists.SKIP, true, List.of(), Map.of());
        aws.ec2("GetImageBlockPublicAccessState", "<imageBlockPublicAccessState>block-new-sharing</imageBlockPublicAccessState>");

        assertThatThrownBy(() -> push(sample())).isInstanceOf(KilnException.class)
                .hasMessageContaining("block public access").hasMessageContaining("disable-image-block-public-access");
        assertThat(aws.requests("POST", "/snapshots")).isEmpty();
    }
}
