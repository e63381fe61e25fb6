package dev.kiln.azure;

import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.PageRangeItem;
import com.azure.storage.blob.specialized.PageBlobClient;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import dev.kiln.api.DiskSource;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.KilnException;
import dev.kiln.spi.Provider;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.testkit.ProviderHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * push azure against a real Azurite (Put Page, Get Page Ranges, Get Blob) behind a recording proxy, and ARM plus
 * the token endpoint as an HTTPS WireMock stand-in whose grant-access SAS points at that proxy.
 */
class AzurePushTest {

    static final long MIB = 1 << 20;
    static final String DIGEST = "blocks-sha256:" + "5e".repeat(32);

    @TempDir
    static Path shared;
    static Azurite azurite;
    static Path vhd;

    static ArmStandIn arm;

    @TempDir
    Path tmp;
    PageProxy proxy;
    PageBlobClient blob;
    ProviderHarness harness;

    @BeforeAll
    static void startAzurite() throws Exception {
        azurite = Azurite.start(Files.createDirectories(shared.resolve("azurite")));
        vhd = fixedVhd(shared);
        arm = new ArmStandIn(Files.createDirectories(shared.resolve("arm")));
    }

    @AfterAll
    static void stopAzurite() throws Exception {
        if (arm != null) {
            arm.close();
        }
        if (azurite != null) {
            azurite.close();
        }
    }

    /**
     * A 40 MiB disk: 4 KiB at 0, 6 MiB of noise at 5 MiB (two Put Pages), 4 MiB of written zeros at 20 MiB, 512
     * bytes near the end; as a fixed VHD (40 MiB + the 512-byte footer), written by kiln's core.
     */
    static Path fixedVhd(Path dir) throws Exception {
        Path raw = dir.resolve("disk.raw");
        Random random = new Random(42);
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            f.setLength(40 * MIB);
            byte[] small = new byte[4096];
            random.nextBytes(small);
            f.seek(0);
            f.write(small);
            byte[] big = new byte[(int) (6 * MIB)];
            random.nextBytes(big);
            f.seek(5 * MIB);
            f.write(big);
            f.seek(20 * MIB);
            f.write(new byte[(int) (4 * MIB)]);
            byte[] tail = new byte[512];
            random.nextBytes(tail);
            f.seek(39 * MIB + 512);
            f.write(tail);
        }
        Path out = dir.resolve("disk.vhd");
        ProviderHarness h = new ProviderHarness(new AzureProviderFactory(), dir);
        var conversions = h.pushContext().conversions();
        try (DiskSource source = conversions.open(raw)) {
            conversions.write(source, ImageFormat.VHD, out, "disk", h.events().as("test"));
        }
        assertThat(Files.size(out)).isEqualTo(40 * MIB + 512);
        assertThat(AzureDisk.isFixedVhd(out)).isTrue();
        return out;
    }

    @BeforeEach
    void setUp() throws Exception {
        proxy = new PageProxy(azurite.port);
        String blobName = "disk-" + System.nanoTime() + ".vhd";
        blob = azurite.pageBlob("md-impexp", blobName, Files.size(vhd));
        // the grant-access SAS as Azure hands it out: an unusual host (here the proxy), a blob-level write SAS
        String sas = "http://127.0.0.1:" + proxy.port() + "/" + Azurite.ACCOUNT + "/md-impexp/" + blobName + "?"
                + Azurite.writeSas(blob);
        arm.reset();
        arm.disksFor(sas);
        harness = arm.harness(tmp.resolve("work")).flag("workers", "4")
                .sleeper(d -> { });
    }

    @AfterEach
    void tearDown() {
        if (proxy != null) {
            proxy.close();
        }
    }

    PushResult push(PushRequest request) throws InterruptedException {
        try (Provider p = new AzureProviderFactory().create(harness.pushContext())) {
            return p.push(request);
        }
    }

    static PushRequest request() {
        return PushRequest.of(vhd, ImageFormat.VHD, "hello", DIGEST);
    }

    @Test
    void managedImageFromADirectUploadSendsOnlyTheDataAndRevokesBeforeRegistering() throws Exception {
        arm.images();
        harness.flag("managed-image", "true");

        PushResult result = push(request());

        assertThat(arm.unmatched()).isEmpty();
        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.CREATED);
        assertThat(result.artifactId()).startsWith(ArmStandIn.LOCATION + ":" + ArmStandIn.group() + "/images/hello-");
        assertThat(result.tags()).containsEntry("kiln:digest", DIGEST).containsEntry("kiln:name", "hello");

        // the order ARM saw: disk for upload, grant, (poll), revoke, image from the disk, the disk deleted
        List<String> calls = arm.calls().stream().filter(c -> !c.contains("oauth2")).toList();
        assertThat(calls).containsExactly(
                "GET " + ArmStandIn.group() + "/images",
                "GET " + ArmStandIn.group() + "/images",
                "PUT " + diskPath(),
                "POST " + diskPath() + "/beginGetAccess",
                "GET /subscriptions/" + ArmStandIn.SUBSCRIPTION + "/providers/Microsoft.Compute/locations/westeurope/DiskOperations/grant-1",
                "POST " + diskPath() + "/endGetAccess",
                "PUT " + ArmStandIn.group() + "/images/" + imageName(),
                "DELETE " + diskPath());
        arm.server.verify(putRequestedFor(urlPathMatching(ArmStandIn.group() + "/disks/.*"))
                .withHeader("Authorization", equalTo("Bearer arm-token-1"))
                .withRequestBody(matchingJsonPath("$.properties.creationData.createOption", equalTo("Upload")))
                .withRequestBody(matchingJsonPath("$.properties.creationData.uploadSizeBytes",
                        equalTo(String.valueOf(Files.size(vhd)))))
                .withRequestBody(matchingJsonPath("$.properties.hyperVGeneration", equalTo("V2")))
                .withRequestBody(matchingJsonPath("$.properties.osType", equalTo("Linux")))
                .withRequestBody(matchingJsonPath("$.tags['kiln:digest']", equalTo(DIGEST))));
        arm.server.verify(postRequestedFor(urlPathMatching(".*/beginGetAccess"))
                .withRequestBody(matchingJsonPath("$.access", equalTo("Write"))));
        arm.server.verify(putRequestedFor(urlPathMatching(ArmStandIn.group() + "/images/.*"))
                .withRequestBody(matchingJsonPath("$.properties.storageProfile.osDisk.managedDisk.id",
                        equalTo(diskPath())))
                .withRequestBody(matchingJsonPath("$.tags['kiln:digest']", equalTo(DIGEST))));

        assertUploaded();
    }

    /** Put Pages obey Azure's rules, cover every non-zero sector, never carry only zeros; Azurite holds the VHD. */
    void assertUploaded() throws Exception {
        assertThat(proxy.violations()).isEmpty();
        List<PageProxy.PutPage> pages = proxy.pages();
        byte[] file = Files.readAllBytes(vhd);
        boolean[] sent = new boolean[file.length / 512];
        long wire = 0;
        for (PageProxy.PutPage p : pages) {
            assertThat(p.md5()).isFalse();
            assertThat(p.end() - p.start() + 1).isLessThanOrEqualTo(4 * MIB).isEqualTo(p.bytes());
            // a page is cut to its data: its first and last sectors hold some
            assertThat(sectorHasData(file, p.start() / 512)).as("first sector of page %d-%d holds data", p.start(),
                    p.end()).isTrue();
            assertThat(sectorHasData(file, p.end() / 512)).as("last sector of page %d-%d holds data", p.start(),
                    p.end()).isTrue();
            for (long s = p.start() / 512; s <= p.end() / 512; s++) {
                sent[(int) s] = true;
            }
            wire += p.bytes();
        }
        long dataSectors = 0;
        for (int s = 0; s < sent.length; s++) {
            boolean zero = true;
            for (int i = s * 512; i < s * 512 + 512 && zero; i++) {
                zero = file[i] == 0;
            }
            if (!zero) {
                dataSectors++;
                assertThat(sent[s]).as("sector %d (non-zero) was sent", s).isTrue();
            }
        }
        assertThat(sent[sent.length - 1]).as("the VHD footer was sent").isTrue();
        // 4 KiB + 6 MiB + 512 B of data + the footer, and no sector between them is zero: the bytes on the wire are
        // the data's sectors, not the file system blocks around them
        assertThat(wire).isEqualTo(dataSectors * 512);
        assertThat(pages.stream().anyMatch(p -> p.start() == 20 * MIB)).as("the written zeros were skipped").isFalse();

        // what Azurite holds, read back through Get Page Ranges + Get Blob, is the VHD
        List<PageRangeItem> ranges = new ArrayList<>();
        blob.listPageRanges(new BlobRange(0)).forEach(ranges::add);
        assertThat(ranges).isNotEmpty();
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        blob.downloadStream(back);
        assertThat(back.toByteArray()).isEqualTo(file);
    }

    static boolean sectorHasData(byte[] file, long sector) {
        for (int i = (int) sector * 512; i < sector * 512 + 512; i++) {
            if (file[i] != 0) {
                return true;
            }
        }
        return false;
    }

    String diskPath() {
        return arm.find(RequestMethod.PUT, ArmStandIn.group() + "/disks/.*").get(0).getUrl().replaceAll("\\?.*", "");
    }

    String imageName() {
        String url = arm.find(RequestMethod.PUT, ArmStandIn.group() + "/images/.*").get(0).getUrl();
        return url.replaceAll("\\?.*", "").replaceAll(".*/", "");
    }

    @Test
    void aResetAndServerErrorsOnAPageAreTriedAgain() throws Exception {
        arm.images();
        harness.flag("managed-image", "true");
        proxy.fault(5 * MIB, 503, 0, 500);

        PushResult result = push(request());

        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.CREATED);
        assertUploaded();
    }

    @Test
    void aPageThatFailsForGoodRevokesAccessBeforeDeletingTheDiskAndSaysSo() throws Exception {
        arm.images();
        harness.flag("managed-image", "true");
        proxy.fault(5 * MIB, 403);

        assertThatThrownBy(() -> push(request())).isInstanceOf(KilnException.class)
                .hasMessageContaining("403").hasMessageContaining("removed disk hello-");

        List<String> calls = arm.calls();
        assertThat(calls.indexOf("POST " + diskPath() + "/endGetAccess"))
                .isGreaterThan(0).isLessThan(calls.indexOf("DELETE " + diskPath()));
        assertThat(arm.find(RequestMethod.PUT, ArmStandIn.group() + "/images/.*")).isEmpty();
    }

    @Test
    void ctrlCMidUploadRevokesAndDeletesTheDisk() throws Exception {
        arm.images();
        harness.flag("managed-image", "true").flag("workers", "1");
        proxy.onPage(start -> {
            if (start > 0) {
                harness.cancel().cancel();
            }
        });

        assertThatThrownBy(() -> push(request())).isInstanceOf(KilnException.class)
                .hasMessageContaining("interrupted").hasMessageContaining("removed disk hello-");

        List<String> calls = arm.calls();
        assertThat(calls.indexOf("POST " + diskPath() + "/endGetAccess"))
                .isGreaterThan(0).isLessThan(calls.indexOf("DELETE " + diskPath()));
        assertThat(arm.find(RequestMethod.PUT, ArmStandIn.group() + "/images/.*")).isEmpty();
        assertThat(proxy.pages().size()).isLessThan(4);
    }

    @Test
    void aFailedDiskCreateLeavesNothingAndSaysSo() throws Exception {
        arm.images();
        arm.stub(put(urlPathMatching(ArmStandIn.group() + "/disks/[^/]+")).willReturn(ArmStandIn.json(409,
                "{\"error\":{\"code\":\"OperationNotAllowed\",\"message\":\"Operation results in exceeding "
                        + "quota limits of Total Regional Disk Storage.\"}}")));
        harness.flag("managed-image", "true");

        assertThatThrownBy(() -> push(request())).isInstanceOf(KilnException.class)
                .hasMessageContaining("OperationNotAllowed").hasMessageContaining("nothing had been made in Azure");

        assertThat(arm.calls()).filteredOn(c -> c.contains("/disks/")).singleElement().asString().startsWith("PUT ");
        assertThat(arm.calls()).noneMatch(c -> c.startsWith("DELETE") || c.contains("/images/"));
        assertThat(proxy.calls()).as("nothing uploaded").isEmpty();
    }

    @Test
    void aFailedGrantDeletesTheDiskSendingNoPage() throws Exception {
        arm.images();
        arm.stub(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathMatching(ArmStandIn.group()
                + "/disks/[^/]+/beginGetAccess")).willReturn(ArmStandIn.json(409, "{\"error\":{\"code\":"
                + "\"OperationNotAllowed\",\"message\":\"Disk is attached to a VM.\"}}")));
        harness.flag("managed-image", "true");

        assertThatThrownBy(() -> push(request())).isInstanceOf(KilnException.class)
                .hasMessageContaining("OperationNotAllowed").hasMessageContaining("removed disk hello-");

        List<String> calls = arm.calls();
        assertThat(calls).endsWith("DELETE " + diskPath());
        assertThat(calls.indexOf("POST " + diskPath() + "/endGetAccess"))
                .as("access revoked before the delete").isLessThan(calls.indexOf("DELETE " + diskPath()));
        assertThat(arm.find(RequestMethod.PUT, ArmStandIn.group() + "/images/.*")).isEmpty();
        assertThat(proxy.calls()).as("nothing uploaded").isEmpty();
    }

    @Test
    void aFailedRevokeRegistersNothingAndDeletesTheDiskOnceAccessIsRevoked() throws Exception {
        arm.images();
        // Azure validates the VHD at endGetAccess: the first one fails, the cleanup's one succeeds
        arm.stub(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathMatching(ArmStandIn.group()
                        + "/disks/[^/]+/endGetAccess")).inScenario("revoke")
                .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willSetStateTo("failed once").willReturn(ArmStandIn.json(400, "{\"error\":{\"code\":"
                        + "\"InvalidParameter\",\"message\":\"The uploaded VHD is not valid.\"}}")));
        harness.flag("managed-image", "true");

        assertThatThrownBy(() -> push(request())).isInstanceOf(KilnException.class)
                .hasMessageContaining("The uploaded VHD is not valid").hasMessageContaining("removed disk hello-");

        List<String> calls = arm.calls().stream().filter(c -> c.contains("/disks/")).toList();
        assertThat(calls).endsWith("POST " + diskPath() + "/endGetAccess", "POST " + diskPath() + "/endGetAccess",
                "DELETE " + diskPath());
        assertThat(arm.find(RequestMethod.PUT, ArmStandIn.group() + "/images/.*")).as("nothing built from it")
                .isEmpty();
        assertUploaded();
    }

    @Test
    void aFailedImageRemovesTheDiskAndListsIt() throws Exception {
        arm.images();
        arm.stub(put(urlPathMatching(ArmStandIn.group() + "/images/[^/]+")).willReturn(ArmStandIn.json(400,
                "{\"error\":{\"code\":\"InvalidParameter\",\"message\":\"The source disk is not valid.\"}}")));
        harness.flag("managed-image", "true");

        assertThatThrownBy(() -> push(request())).isInstanceOf(KilnException.class)
                .hasMessageContaining("InvalidParameter").hasMessageContaining("removed")
                .hasMessageContaining("disk hello-");
        assertThat(arm.calls()).contains("DELETE " + diskPath());
    }

    @Test
    void anImageWithTheSameDigestIsKeptAndNothingIsUploaded() throws Exception {
        arm.images("{\"id\":\"" + ArmStandIn.group() + "/images/hello-old\",\"location\":\"westeurope\","
                + "\"tags\":{\"kiln:digest\":\"" + DIGEST + "\",\"kiln:name\":\"hello\"},"
                + "\"properties\":{\"provisioningState\":\"Succeeded\"}}");
        harness.flag("managed-image", "true");

        PushResult result = push(request());

        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.EXISTED);
        assertThat(result.artifactId()).endsWith("/images/hello-old");
        assertThat(arm.find(RequestMethod.PUT, ".*")).isEmpty();
        assertThat(proxy.pages()).isEmpty();
    }

    @Test
    void aGalleryVersionMakesTheMissingGalleryAndDefinition() throws Exception {
        String gallery = ArmStandIn.group() + "/galleries/kilngallery";
        arm.stub(get(urlPathMatching(gallery)).willReturn(ArmStandIn.notFound("Microsoft.Compute/galleries/kilngallery")));
        arm.stub(put(urlPathMatching(gallery)).willReturn(ArmStandIn.resource(200)));
        arm.stub(get(urlPathMatching(gallery + "/images/hello")).willReturn(ArmStandIn.notFound("hello")));
        arm.stub(put(urlPathMatching(gallery + "/images/hello")).willReturn(ArmStandIn.resource(200)));
        arm.stub(get(urlPathMatching(gallery + "/images/hello/versions")).willReturn(ArmStandIn.notFound("hello")));
        arm.stub(put(urlPathMatching(gallery + "/images/hello/versions/1.2.3")).willReturn(ArmStandIn.resource(200)));
        harness.flag("gallery", "kilngallery").flag("image-version", "1.2.3");

        PushResult result = push(request());

        assertThat(arm.unmatched()).isEmpty();
        assertThat(result.artifactId()).isEqualTo("westeurope:" + gallery + "/images/hello/versions/1.2.3");
        arm.server.verify(putRequestedFor(urlPathMatching(gallery + "/images/hello"))
                .withRequestBody(matchingJsonPath("$.properties.osState", equalTo("Specialized")))
                .withRequestBody(matchingJsonPath("$.properties.hyperVGeneration", equalTo("V2")))
                .withRequestBody(matchingJsonPath("$.properties.architecture", equalTo("x64")))
                .withRequestBody(matchingJsonPath("$.properties.identifier.publisher", equalTo("kiln")))
                .withRequestBody(matchingJsonPath("$.properties.features[?(@.name == 'DiskControllerTypes')].value",
                        equalTo("SCSI,NVMe"))));
        arm.server.verify(putRequestedFor(urlPathMatching(gallery + "/images/hello/versions/1.2.3"))
                .withRequestBody(matchingJsonPath("$.properties.storageProfile.osDiskImage.source.id",
                        equalTo(diskPath())))
                .withRequestBody(matchingJsonPath("$.tags['kiln:version']", equalTo("1.2.3")))
                .withRequestBody(matchingJsonPath("$.tags['kiln:digest']", equalTo(DIGEST))));
        // a managed disk cannot be the source of a SecurityType definition's versions: this one has none
        assertThat(arm.find(RequestMethod.PUT, gallery + "/images/hello")).singleElement()
                .satisfies(r -> assertThat(r.getBodyAsString()).doesNotContain("SecurityType"));
        assertThat(harness.events().text()).contains("made without SecurityType=TrustedLaunchSupported");
        List<String> calls = arm.calls();
        assertThat(calls.indexOf("POST " + diskPath() + "/endGetAccess"))
                .isLessThan(calls.indexOf("PUT " + gallery + "/images/hello/versions/1.2.3"));
        assertThat(calls).endsWith("DELETE " + diskPath());
        assertUploaded();
    }

    @Test
    void aFailedVersionRemovesWhatThePushMadeButNotWhatExisted() throws Exception {
        String gallery = ArmStandIn.group() + "/galleries/kilngallery";
        arm.stub(get(urlPathMatching(gallery)).willReturn(ArmStandIn.resource(200)));
        arm.stub(get(urlPathMatching(gallery + "/images/hello")).willReturn(ArmStandIn.notFound("hello")));
        arm.stub(put(urlPathMatching(gallery + "/images/hello")).willReturn(ArmStandIn.resource(200)));
        arm.stub(com.github.tomakehurst.wiremock.client.WireMock.delete(urlPathMatching(gallery + "/images/hello(/versions/.*)?"))
                .willReturn(aResponse().withStatus(200)));
        arm.stub(get(urlPathMatching(gallery + "/images/hello/versions")).willReturn(ArmStandIn.json(200, "{\"value\":[]}")));
        arm.stub(put(urlPathMatching(gallery + "/images/hello/versions/.*")).willReturn(ArmStandIn.json(409,
                "{\"error\":{\"code\":\"Conflict\",\"message\":\"quota exceeded\"}}")));
        harness.flag("gallery", "kilngallery");

        assertThatThrownBy(() -> push(request())).isInstanceOf(KilnException.class)
                .hasMessageContaining("Conflict")
                .hasMessageContaining("image definition hello").hasMessageContaining("disk hello-");

        List<String> calls = arm.calls();
        assertThat(calls).contains("DELETE " + gallery + "/images/hello", "DELETE " + diskPath())
                .doesNotContain("DELETE " + gallery);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TrustedLaunchSupported", "ConfidentialVM", "TrustedLaunchAndConfidentialVmSupported"})
    void aDefinitionWithASecurityTypeIsRefusedBeforeTheUploadSayingToPassAStorageAccount(String type) throws Exception {
        String gallery = ArmStandIn.group() + "/galleries/kilngallery";
        arm.stub(get(urlPathMatching(gallery + "/images/hello/versions"))
                .willReturn(ArmStandIn.json(200, "{\"value\":[]}")));
        arm.stub(get(urlPathMatching(gallery + "/images/hello")).willReturn(ArmStandIn.definition(type)));
        harness.flag("gallery", "kilngallery").flag("image-version", "1.0.2");

        assertThatThrownBy(() -> push(request())).isInstanceOf(KilnException.class)
                .hasMessageContaining("gallery image kilngallery/hello has SecurityType=" + type)
                .hasMessageContaining("only from a VHD blob")
                .hasMessageContaining("pass --storage-account ACCOUNT --container CONTAINER");

        assertThat(arm.calls()).contains("GET " + gallery + "/images/hello")
                .noneMatch(c -> c.startsWith("PUT") || c.startsWith("POST /subscriptions") || c.startsWith("DELETE"));
        assertThat(proxy.calls()).as("nothing uploaded").isEmpty();
    }

    /** Gallery and definition exist; the version PUT starts a replication that stays InProgress. */
    String replicatingGallery() {
        String gallery = ArmStandIn.group() + "/galleries/kilngallery";
        arm.stub(get(urlPathMatching(gallery)).willReturn(ArmStandIn.resource(200)));
        arm.stub(get(urlPathMatching(gallery + "/images/hello")).willReturn(ArmStandIn.resource(200)));
        arm.stub(get(urlPathMatching(gallery + "/images/hello/versions")).willReturn(ArmStandIn.json(200, "{\"value\":[]}")));
        arm.stub(put(urlPathMatching(gallery + "/images/hello/versions/.*")).willReturn(ArmStandIn.json(201,
                        "{\"id\":\"{{request.path}}\",\"location\":\"westeurope\",\"properties\":{\"provisioningState\":\"Creating\"}}")
                .withHeader("Azure-AsyncOperation", arm.url() + "subscriptions/" + ArmStandIn.SUBSCRIPTION
                        + "/providers/Microsoft.Compute/locations/westeurope/capsOperations/rep-1?api-version=2024-03-03")));
        arm.stub(get(urlPathMatching(".*/capsOperations/rep-1")).willReturn(ArmStandIn.json(200,
                "{\"name\":\"rep-1\",\"status\":\"InProgress\",\"startTime\":\"2026-12-02T05:00:00Z\"}")));
        // the version with $expand=ReplicationStatus, as ARM documents it: display names for regions, one not
        // listed yet
        arm.stub(get(urlPathMatching(gallery + "/images/hello/versions/[^/]+"))
                .withQueryParam("$expand", equalTo("ReplicationStatus")).willReturn(ArmStandIn.json(200,
                        "{\"id\":\"{{request.path}}\",\"location\":\"westeurope\",\"properties\":{"
                                + "\"provisioningState\":\"Creating\",\"replicationStatus\":{\"aggregatedState\":"
                                + "\"InProgress\",\"summary\":[{\"region\":\"West Europe\",\"state\":\"Completed\","
                                + "\"details\":\"\",\"progress\":100},{\"region\":\"North Europe\",\"state\":"
                                + "\"Replicating\",\"details\":\"\",\"progress\":40}]}}}")));
        return gallery;
    }

    @Test
    void noWaitReturnsTheVersionInEveryReplicaRegionAndKeepsItsSourceDisk() throws Exception {
        String gallery = replicatingGallery();
        harness.flag("gallery", "kilngallery").flag("image-version", "1.0.0").flag("replication", "no-wait")
                .flag("replica-region", "northeurope=2", "eastus");

        PushResult result = push(request());

        assertThat(result.images()).extracting(PushResult.Placement::location)
                .containsExactly("westeurope", "northeurope", "eastus");
        assertThat(result.images()).extracting(PushResult.Placement::imageId).containsOnly(
                gallery + "/images/hello/versions/1.0.0");
        arm.server.verify(putRequestedFor(urlPathMatching(gallery + "/images/hello/versions/1.0.0"))
                .withRequestBody(matchingJsonPath("$.properties.publishingProfile.targetRegions[1].name",
                        equalTo("northeurope")))
                .withRequestBody(matchingJsonPath("$.properties.publishingProfile.targetRegions[1].regionalReplicaCount",
                        equalTo("2")))
                .withRequestBody(matchingJsonPath("$.properties.publishingProfile.targetRegions[2].name",
                        equalTo("eastus"))));
        assertThat(arm.calls()).noneMatch(c -> c.startsWith("DELETE"));
        // each region's replication as Azure reported it, in the result, and how to look again
        assertThat(result.resources()).contains(
                dev.kiln.spi.Resource.of("replication", "westeurope Completed"),
                dev.kiln.spi.Resource.of("replication", "northeurope Replicating 40%"),
                dev.kiln.spi.Resource.of("replication", "eastus Unknown"));
        assertThat(harness.events().text()).contains("check it later with 'az sig image-version show -g "
                + ArmStandIn.GROUP + " -r kilngallery -i hello -e 1.0.0 --expand ReplicationStatus'")
                .contains("az disk delete");
    }

    @Test
    void aReplicationTimeoutReportsTheVersionAndItsStatusAndRemovesNothing() throws Exception {
        String gallery = replicatingGallery();
        dev.kiln.testkit.FakeTime time = new dev.kiln.testkit.FakeTime();
        harness.clock(time).sleeper(time).flag("gallery", "kilngallery").flag("image-version", "1.0.1")
                .flag("replica-region", "northeurope").flag("wait-timeout", "9s").flag("poll-interval", "1s");

        assertThatThrownBy(() -> push(request())).isInstanceOf(KilnException.class)
                .hasMessageContaining(gallery + "/images/hello/versions/1.0.1")
                .hasMessageContaining("not done after 9 s")
                .hasMessageContaining("replication westeurope Completed, northeurope Replicating 40%")
                .hasMessageContaining("version is kept")
                .hasMessageContaining("az sig image-version show -g " + ArmStandIn.GROUP
                        + " -r kilngallery -i hello -e 1.0.1 --expand ReplicationStatus");

        assertThat(arm.calls()).noneMatch(c -> c.startsWith("DELETE"));
        // the wait ran on the command's clock: one poll, then one more after each 1 s sleep, up to 9 s
        assertThat(time.sleeps()).hasSize(9).containsOnly(java.time.Duration.ofSeconds(1));
        assertThat(arm.calls().stream().filter(c -> c.endsWith("/capsOperations/rep-1"))).hasSize(10);
    }

    @Test
    void replacingAVersionInPlaceIsRefusedBeforeAnythingIsMade() throws Exception {
        String gallery = ArmStandIn.group() + "/galleries/kilngallery";
        arm.stub(get(urlPathMatching(gallery + "/images/hello/versions")).willReturn(ArmStandIn.json(200,
                "{\"value\":[{\"id\":\"" + gallery + "/images/hello/versions/1.0.0\",\"name\":\"1.0.0\","
                        + "\"location\":\"westeurope\",\"tags\":{\"kiln:digest\":\"blocks-sha256:00\"}}]}")));
        harness.flag("gallery", "kilngallery").flag("image-version", "1.0.0");

        assertThatThrownBy(() -> push(request().withPolicy(request().policy()
                .withIfExists(dev.kiln.api.PublishPolicy.IfExists.REPLACE))))
                .isInstanceOf(KilnException.class).hasMessageContaining("pass a new --image-version");
        assertThat(arm.calls()).noneMatch(c -> c.startsWith("PUT") || c.startsWith("DELETE"));
    }
}
