package dev.kiln.aws;

import dev.kiln.api.KilnException;
import dev.kiln.api.Lifecycle;
import dev.kiln.api.Userdata;
import dev.kiln.spi.Provider;
import dev.kiln.spi.RunChecks;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.RunResult;
import dev.kiln.testkit.ProviderHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AwsRunTest {

    static final String INSTANCE = "i-1234567890abcdef0";

    @TempDir
    Path tmp;
    AwsStub aws;
    ProviderHarness harness;
    /** The shared run flags (--userdata-file, --disk, --wait, --rm, --keep, --tag) as the CLI hands them over. */
    RunRequest request = RunRequest.of("image", "hello", false);

    @BeforeEach
    void start() {
        aws = new AwsStub();
        harness = AwsPushTest.harness(aws, tmp);
        aws.ec2("RunInstances", "<reservationId>r-1234567890abcdef0</reservationId><ownerId>" + AwsStub.ACCOUNT
                + "</ownerId><groupSet/><instancesSet><item><instanceId>" + INSTANCE + "</instanceId><imageId>"
                + AwsStub.IMAGE + "</imageId><instanceState><code>0</code><name>pending</name></instanceState>"
                + "<instanceType>t3.micro</instanceType></item></instancesSet>");
        instances(STARTED, "running", null);
        aws.ec2("TerminateInstances", "<instancesSet><item><instanceId>" + INSTANCE + "</instanceId><currentState><code>32"
                + "</code><name>shutting-down</name></currentState><previousState><code>16</code><name>running</name>"
                + "</previousState></item></instancesSet>");
        aws.ec2("AttachVolume", "<volumeId>vol-1234567890abcdef0</volumeId><instanceId>" + INSTANCE + "</instanceId>"
                + "<device>/dev/sdh</device><status>attaching</status>");
        aws.ec2("GetConsoleOutput", "<instanceId>" + INSTANCE + "</instanceId><timestamp>2026-11-22T10:00:00.000Z"
                + "</timestamp><output>" + Base64.getEncoder().encodeToString(
                "Linux version 6.1\nWelcome to kiln\nreboot: Power down\n".getBytes(StandardCharsets.UTF_8)) + "</output>");
        aws.ec2Where("DescribeImages", "ImageId.1=", AwsStub.images(
                AwsStub.image(AwsStub.IMAGE, "hello", "sha256:any", AwsStub.SNAPSHOT)));
    }

    @AfterEach
    void stop() {
        aws.close();
    }

    /** DescribeInstances answers {@code state} while the life scenario is in {@code when}. */
    void instances(String when, String state, String next) {
        var m = post(urlEqualTo("/")).atPriority(4).withRequestBody(containing("Action=DescribeInstances&"))
                .inScenario("life").whenScenarioStateIs(when);
        if (next != null) {
            m = m.willSetStateTo(next);
        }
        aws.server.stubFor(m.willReturn(aResponse().withHeader("Content-Type", "text/xml").withBody(
                "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>8f7724cf"
                        + "</requestId><reservationSet><item><reservationId>r-1234567890abcdef0</reservationId><ownerId>"
                        + AwsStub.ACCOUNT + "</ownerId><instancesSet><item><instanceId>" + INSTANCE + "</instanceId>"
                        + "<instanceState><code>16</code><name>" + state + "</name></instanceState>"
                        + "<privateIpAddress>10.0.0.12</privateIpAddress><ipAddress>203.0.113.25</ipAddress>"
                        + "</item></instancesSet></item></reservationSet></DescribeInstancesResponse>")));
    }

    RunResult run(String image) throws Exception {
        try (Provider p = new AwsProviderFactory().create(harness.runContext())) {
            RunRequest r = new RunRequest(image, request.name(), request.dryRun(), request.userdata(), request.disks(),
                    request.lifecycle(), request.tags());
            RunChecks.check(r, new AwsProviderFactory().runSupport(), "aws");
            return p.run(r);
        }
    }

    @Test
    void runInstancesCarriesTheExactUserdataBytesTheVolumesAndTheOptions() throws Exception {
        byte[] userdata = {'{', '"', 'a', '"', ':', '1', '}', '\n', (byte) 0xff, 0, 7};
        Path file = Files.write(tmp.resolve("userdata.bin"), userdata);
        request = request.withUserdata(Userdata.of(Files.readAllBytes(file), "--userdata-file " + file))
                .withDisks(RunChecks.disks(List.of("size=10G,type=io2,iops=4000", "size=1"),
                        new AwsProviderFactory().runSupport(), "aws"))
                .withTags(Map.of("team", "images"));
        harness.flag("volume", "vol-1234567890abcdef0").flag("subnet", "subnet-0abc").flag("security-group", "sg-1,sg-2")
                .flag("key-name", "ops").flag("instance-profile", "kiln-role").flag("placement", "eu-west-1b");

        RunResult result = run(AwsStub.IMAGE);

        Map<String, String> r = aws.calls("RunInstances").get(0);
        assertThat(Base64.getDecoder().decode(r.get("UserData"))).isEqualTo(userdata);
        assertThat(r).containsEntry("ImageId", AwsStub.IMAGE).containsEntry("InstanceType", "t3.micro")
                .containsEntry("MinCount", "1").containsEntry("MaxCount", "1")
                .containsEntry("BlockDeviceMapping.1.DeviceName", "/dev/sdf")
                .containsEntry("BlockDeviceMapping.1.Ebs.VolumeSize", "10")
                .containsEntry("BlockDeviceMapping.1.Ebs.VolumeType", "io2")
                .containsEntry("BlockDeviceMapping.1.Ebs.Iops", "4000")
                .containsEntry("BlockDeviceMapping.1.Ebs.DeleteOnTermination", "true")
                .containsEntry("BlockDeviceMapping.2.DeviceName", "/dev/sdg")
                .containsEntry("BlockDeviceMapping.2.Ebs.VolumeSize", "1")
                .containsEntry("BlockDeviceMapping.2.Ebs.VolumeType", "gp3")
                .containsEntry("SubnetId", "subnet-0abc").containsEntry("SecurityGroupId.1", "sg-1")
                .containsEntry("SecurityGroupId.2", "sg-2").containsEntry("KeyName", "ops")
                .containsEntry("IamInstanceProfile.Name", "kiln-role")
                .containsEntry("Placement.AvailabilityZone", "eu-west-1b")
                .containsEntry("MetadataOptions.HttpTokens", "optional")
                .containsEntry("MetadataOptions.HttpEndpoint", "enabled");
        assertThat(AwsStub.tags(r, "TagSpecification.1.Tag.")).containsEntry("Name", "hello").containsEntry("team", "images");
        for (int spec = 1; spec <= 3; spec++) {
            assertThat(AwsStub.tags(r, "TagSpecification." + spec + ".Tag.")).as("what kiln ls finds it by")
                    .containsEntry("kiln:name", "hello").containsEntry("kiln:image", AwsStub.IMAGE).containsKey("kiln:version");
        }
        assertThat(r).containsEntry("TagSpecification.1.ResourceType", "instance")
                .containsEntry("TagSpecification.2.ResourceType", "volume")
                .containsEntry("TagSpecification.3.ResourceType", "network-interface");
        assertThat(aws.calls("AttachVolume").get(0)).containsEntry("VolumeId", "vol-1234567890abcdef0")
                .containsEntry("InstanceId", INSTANCE).containsEntry("Device", "/dev/sdh");
        assertThat(result.instanceId()).isEqualTo(INSTANCE);
        assertThat(result.addresses()).containsEntry("public_ipv4", "203.0.113.25")
                .containsEntry("private_ipv4", "10.0.0.12");
        assertThat(aws.calls("TerminateInstances")).isEmpty();
    }

    @Test
    void rmTerminatesTheInstanceAtTheEnd() throws Exception {
        request = request.withLifecycle(new Lifecycle(Optional.empty(), true, false, Optional.empty()));
        aws.server.stubFor(post(urlEqualTo("/")).atPriority(2).withRequestBody(containing("Action=TerminateInstances&"))
                .inScenario("life").willSetStateTo("gone").willReturn(aResponse().withHeader("Content-Type", "text/xml")
                        .withBody("<TerminateInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
                                + "<instancesSet/></TerminateInstancesResponse>")));
        instances("gone", "terminated", null);

        RunResult result = run(AwsStub.IMAGE);

        assertThat(aws.calls("TerminateInstances")).extracting(c -> c.get("InstanceId.1")).containsExactly(INSTANCE);
        assertThat(result.removed()).isTrue();
        assertThat(result.state()).isEqualTo("terminated");
    }

    @Test
    void waitStoppedWaitsForPowerOffAndReportsTheConsole() throws Exception {
        request = request.withLifecycle(new Lifecycle(Optional.of(Lifecycle.Wait.STOPPED), false, false,
                Optional.empty()));
        instances(STARTED, "running", "ran");
        instances("ran", "stopped", null);

        RunResult result = run(AwsStub.IMAGE);

        assertThat(result.state()).isEqualTo("stopped");
        assertThat(harness.events().text()).contains("console: Welcome to kiln");
    }

    @Test
    void userdataOver16KibIsAClearErrorBeforeAnyCall() throws Exception {
        Path file = Files.write(tmp.resolve("big"), new byte[16 * 1024 + 1]);
        request = request.withUserdata(Userdata.of(Files.readAllBytes(file), "--userdata-file " + file));

        assertThatThrownBy(() -> run(AwsStub.IMAGE)).isInstanceOf(KilnException.class)
                .hasMessageContaining("16385 bytes").hasMessageContaining("16 KiB");
        assertThat(aws.server.getAllServeEvents()).isEmpty();
    }

    @Test
    void aNameFindsTheAccountsOwnImage() throws Exception {
        aws.ec2Where("DescribeImages", "Owner.1=self", AwsStub.images(
                AwsStub.image("ami-0own", "hello", "sha256:any", AwsStub.SNAPSHOT)));

        run("hello");

        assertThat(aws.calls("RunInstances").get(0)).containsEntry("ImageId", "ami-0own");
    }

    @Test
    void anAmbiguousNameIsAnErrorListingTheCandidates() throws Exception {
        aws.ec2Where("DescribeImages", "Owner.1=self", AwsStub.images(
                AwsStub.image("ami-0one", "hello", "sha256:a", "snap-1"), AwsStub.image("ami-0two", "hello", "sha256:b", "snap-2")));

        assertThatThrownBy(() -> run("hello")).isInstanceOf(KilnException.class)
                .hasMessageContaining("ami-0one").hasMessageContaining("ami-0two").hasMessageContaining("image id");
        assertThat(aws.calls("RunInstances")).isEmpty();
    }

    @Test
    void aFailureAfterLaunchTerminatesTheInstanceAndSaysSo() throws Exception {
        harness.flag("volume", "vol-0missing");
        aws.ec2Error("AttachVolume", 400, "InvalidVolume.NotFound", "The volume 'vol-0missing' does not exist.");

        assertThatThrownBy(() -> run(AwsStub.IMAGE)).isInstanceOf(KilnException.class)
                .hasMessageContaining("InvalidVolume.NotFound").hasMessageContaining("removed instance " + INSTANCE);
        assertThat(aws.calls("TerminateInstances")).extracting(c -> c.get("InstanceId.1")).containsExactly(INSTANCE);
    }

    @Test
    void keepLeavesTheInstanceWhenSomethingFails() throws Exception {
        harness.flag("volume", "vol-0missing");
        request = request.withLifecycle(new Lifecycle(Optional.empty(), false, true, Optional.empty()));
        aws.ec2Error("AttachVolume", 400, "InvalidVolume.NotFound", "The volume 'vol-0missing' does not exist.");

        assertThatThrownBy(() -> run(AwsStub.IMAGE)).isInstanceOf(KilnException.class);
        assertThat(aws.calls("TerminateInstances")).isEmpty();
    }
}
