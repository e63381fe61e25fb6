package dev.kiln.aws;

import com.adobe.testing.s3mock.S3MockApplication;
import dev.kiln.api.Architecture;
import dev.kiln.api.BootMode;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.PublishPolicy;
import dev.kiln.api.KilnException;
import dev.kiln.disk.DiskFormat;
import dev.kiln.disk.DiskImages;
import dev.kiln.api.DiskSource;
import dev.kiln.disk.WriteOptions;
import dev.kiln.spi.Provider;
import dev.kiln.spi.PushRequest;
import dev.kiln.testing.HostTools;
import dev.kiln.testkit.ProviderHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** --method import-snapshot against a real S3-compatible server (S3Mock, in this JVM) and EC2 in WireMock. */
class S3ImportTest {

    static final String TASK = "import-snap-1234567890abcdef0";
    static final String IMPORTED = "snap-0imported000000001";
    static S3MockApplication s3mock;
    static S3Client s3;

    @TempDir
    Path tmp;
    AwsStub aws;
    S3Proxy proxy;
    ProviderHarness harness;

    @BeforeAll
    static void startS3() {
        Map<String, Object> props = new HashMap<>(Map.of(S3MockApplication.PROP_HTTP_PORT, S3MockApplication.RANDOM_PORT,
                S3MockApplication.PROP_SILENT, true));
        s3mock = S3MockApplication.start(props);
        s3 = S3Client.builder().region(Region.EU_WEST_1).forcePathStyle(true)
                .endpointOverride(URI.create(s3url()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b"))).build();
    }

    @AfterAll
    static void stopS3() {
        s3.close();
        s3mock.stop();
    }

    static String s3url() {
        return "http://127.0.0.1:" + s3mock.getHttpPort();
    }

    @BeforeEach
    void start() {
        String bucket = "images-" + System.nanoTime();
        s3.createBucket(b -> b.bucket(bucket));
        aws = new AwsStub();
        harness = AwsPushTest.harness(aws, tmp).flag("method", "import-snapshot").flag("bucket", bucket)
                .flag("endpoint-url-s3", s3url());
        aws.ec2("ImportSnapshot", "<importTaskId>" + TASK + "</importTaskId><description>kiln image hello</description>"
                + "<snapshotTaskDetail><diskImageSize>0.0</diskImageSize><progress>3</progress><status>active</status>"
                + "<statusMessage>pending</statusMessage></snapshotTaskDetail>");
        importTask("completed", "<snapshotId>" + IMPORTED + "</snapshotId>");
    }

    void importTask(String status, String extra) {
        aws.ec2("DescribeImportSnapshotTasks", "<importSnapshotTaskSet><item><importTaskId>" + TASK + "</importTaskId>"
                + "<snapshotTaskDetail><diskImageSize>8493465600.0</diskImageSize><status>" + status + "</status>"
                + extra + "</snapshotTaskDetail></item></importSnapshotTaskSet>");
    }

    @AfterEach
    void stop() {
        aws.close();
        if (proxy != null) {
            proxy.close();
        }
        PartPlan.floor = PartPlan.DEFAULT_FLOOR;
    }

    /** S3's smallest part, so that a small test image still makes several parts; S3 goes through a proxy. */
    void smallPartsThroughProxy() {
        PartPlan.floor = 5L << 20;
        proxy = new S3Proxy(s3url());
        harness.flag("endpoint-url-s3", proxy.url());
    }

    /** 64 MiB disk holding 18 MiB of incompressible data: a VMDK of four 5 MiB parts. */
    Path incompressible() throws Exception {
        return TestImages.random(tmp, "hello", 64L << 20, 6, 42, 1, 20, 50);
    }

    /** What {@code kiln convert IMAGE hello.vmdk -f vmdk} writes. */
    byte[] converted(Path image) throws Exception {
        Path out = tmp.resolve("convert/hello.vmdk");
        Files.createDirectories(out.getParent());
        try (DiskSource disk = DiskImages.open(image)) {
            DiskImages.write(DiskFormat.VMDK, disk, out, WriteOptions.defaults().withName("hello"),
                    dev.kiln.api.Events.none());
        }
        return Files.readAllBytes(out);
    }

    byte[] uploadedObject() {
        S3Object object = s3.listObjectsV2(b -> b.bucket(bucket())).contents().get(0);
        return s3.getObjectAsBytes(b -> b.bucket(bucket()).key(object.key())).asByteArray();
    }

    void assertNothingLeftInS3() {
        assertThat(s3.listMultipartUploads(b -> b.bucket(bucket())).uploads()).isEmpty();
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket())).contents()).isEmpty();
    }

    String bucket() {
        return harness.pushContext().options().require("bucket");
    }

    void push(Path image) throws Exception {
        try (Provider p = new AwsProviderFactory().create(harness.pushContext())) {
            p.push(AwsPushTest.request(image, ImageFormat.AWS, Architecture.AMD64, Set.of(BootMode.BIOS, BootMode.UEFI),
                    PublishPolicy.DEFAULT));
        }
    }

    Path image() throws Exception {
        return TestImages.disk(tmp, "hello", 12L << 20, 0, 5, 20);
    }

    @Test
    void uploadsTheRawDiskInPartsImportsItAndRegistersTheImportedSnapshot() throws Exception {
        harness.flag("object-format", "raw").flag("keep-object", "true");
        Path image = image();

        push(image);

        S3Object object = s3.listObjectsV2(b -> b.bucket(bucket())).contents().get(0);
        byte[] uploaded = s3.getObjectAsBytes(b -> b.bucket(bucket()).key(object.key())).asByteArray();
        assertThat(uploaded).isEqualTo(Files.readAllBytes(image));
        Map<String, String> imp = aws.calls("ImportSnapshot").get(0);
        assertThat(imp).containsEntry("DiskContainer.Format", "RAW")
                .containsEntry("DiskContainer.UserBucket.S3Bucket", bucket())
                .containsEntry("DiskContainer.UserBucket.S3Key", object.key());
        assertThat(AwsStub.tags(aws.calls("CreateTags").get(0), "Tag.")).containsEntry("kiln:digest", AwsPushTest.DIGEST);
        assertThat(aws.calls("CreateTags").get(0)).containsEntry("ResourceId.1", IMPORTED);
        assertThat(aws.calls("RegisterImage").get(0)).containsEntry("BlockDeviceMapping.1.Ebs.SnapshotId", IMPORTED);
    }

    @Test
    void uploadsAStreamOptimizedVmdkByDefaultThatQemuReadsAsTheSameDisk() throws Exception {
        harness.flag("keep-object", "true");
        Path image = image();

        push(image);

        S3Object object = s3.listObjectsV2(b -> b.bucket(bucket())).contents().get(0);
        Path vmdk = tmp.resolve("back.vmdk");
        Files.write(vmdk, s3.getObjectAsBytes(b -> b.bucket(bucket()).key(object.key())).asByteArray());
        assertThat(aws.calls("ImportSnapshot").get(0)).containsEntry("DiskContainer.Format", "VMDK");
        Process compare = HostTools.command("qemu-img", "compare", "-f", "raw", "-F", "vmdk", image.toString(),
                vmdk.toString()).redirectErrorStream(true).start();
        assertThat(compare.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(compare.exitValue()).as(new String(compare.getInputStream().readAllBytes())).isZero();
        assertThat(object.size()).isLessThan(Files.size(image) / 4);
    }

    @Test
    void theObjectIsDeletedAfterTheImport() throws Exception {
        push(image());

        assertThat(s3.listObjectsV2(b -> b.bucket(bucket())).contents()).isEmpty();
    }

    @Test
    void aDeletedImportTaskFailsAndRemovesTheObject() throws Exception {
        harness.flag("object-format", "raw");
        importTask("deleted", "<statusMessage>ClientError: Disk validation failed [Unsupported VMDK File Format]</statusMessage>");

        assertThatThrownBy(() -> push(image())).isInstanceOf(KilnException.class)
                .hasMessageContaining("Disk validation failed").hasMessageContaining("Cleaned up: removed").hasMessageContaining("object s3://" + bucket());
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket())).contents()).isEmpty();
        assertThat(aws.calls("RegisterImage")).isEmpty();
    }

    @Test
    void streamsTheVmdkInSeveralPartsAndTheObjectIsTheVmdkKilnConvertWrites() throws Exception {
        smallPartsThroughProxy();
        harness.flag("keep-object", "true");
        Path image = incompressible();

        push(image);

        byte[] expected = converted(image);
        assertThat(proxy.parts()).hasSize((int) ((expected.length + (5L << 20) - 1) / (5L << 20)))
                .hasSizeGreaterThanOrEqualTo(4).doesNotHaveDuplicates();
        assertThat(uploadedObject()).isEqualTo(expected);
        assertThat(s3.listMultipartUploads(b -> b.bucket(bucket())).uploads()).isEmpty();
    }

    @Test
    void aPartThatFailsOnceIsSentAgainAndTheUploadCompletes() throws Exception {
        smallPartsThroughProxy();
        harness.flag("keep-object", "true");
        proxy.failPartOnce(2, 503, "SlowDown");
        Path image = incompressible();

        push(image);

        assertThat(proxy.parts()).filteredOn("2"::equals).hasSize(2);
        assertThat(uploadedObject()).isEqualTo(converted(image));
    }

    @Test
    void aPartThatFailsForGoodAbortsTheMultipartUploadAndSaysSo() throws Exception {
        smallPartsThroughProxy();
        proxy.failPart(2, 403, "AccessDenied");

        assertThatThrownBy(() -> push(incompressible())).isInstanceOf(KilnException.class)
                .hasMessageContaining("AccessDenied")
                .hasMessageContaining("Cleaned up: removed unfinished multipart upload of s3://" + bucket() + "/kiln/hello-");
        assertNothingLeftInS3();
        assertThat(aws.calls("ImportSnapshot")).isEmpty();
    }

    @Test
    void ctrlCDuringTheUploadAbortsTheMultipartUpload() throws Exception {
        smallPartsThroughProxy();
        proxy.slowParts(2000);
        Path image = incompressible();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread pusher = new Thread(() -> {
            try {
                push(image);
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        AtomicBoolean once = new AtomicBoolean();
        // Ctrl-C once a part has reached S3 and its answer is held back: the upload is half-way
        proxy.server.addMockServiceRequestListener((request, response) -> {
            if (request.queryParameter("partNumber").isPresent() && once.compareAndSet(false, true)) {
                pusher.interrupt();
            }
        });
        pusher.start();
        pusher.join(TimeUnit.SECONDS.toMillis(90));

        assertThat(pusher.isAlive()).isFalse();
        assertThat(failure.get()).isInstanceOf(KilnException.class)
                .hasMessageContaining("Stopped while trying to publish hello")
                .hasMessageContaining("removed unfinished multipart upload of s3://" + bucket() + "/kiln/hello-");
        assertNothingLeftInS3();
        assertThat(aws.calls("ImportSnapshot")).isEmpty();
    }
}
