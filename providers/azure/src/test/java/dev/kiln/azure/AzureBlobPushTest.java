package dev.kiln.azure;

import com.azure.storage.blob.specialized.PageBlobClient;
import com.github.tomakehurst.wiremock.http.RequestMethod;
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

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * push azure --storage-account/--container: a page blob in the user's account (Azurite, behind the recording proxy,
 * as the account's blob endpoint ARM reports), its key from ARM's listKeys, then an image or gallery version made
 * from the blob's URL.
 */
class AzureBlobPushTest {

    static final String DIGEST = AzurePushTest.DIGEST;
    static final String ACCOUNT = Azurite.ACCOUNT;
    static final String CONTAINER = "kiln-vhds";
    static final String BLOB = "hello-blocks-sha256-" + "5e".repeat(32) + ".vhd";

    @TempDir
    static Path shared;
    static Azurite azurite;
    static Path vhd;
    static byte[] file;
    static ArmStandIn arm;

    @TempDir
    Path tmp;
    PageProxy proxy;
    ProviderHarness harness;
    /** What the blob held when kiln deleted it (read straight from Azurite, just before the DELETE went on). */
    final AtomicReference<byte[]> lastContent = new AtomicReference<>();
    boolean storageFlags;

    @BeforeAll
    static void start() throws Exception {
        azurite = Azurite.start(Files.createDirectories(shared.resolve("azurite")));
        vhd = AzurePushTest.fixedVhd(shared);
        file = Files.readAllBytes(vhd);
        arm = new ArmStandIn(Files.createDirectories(shared.resolve("arm")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (arm != null) {
            arm.close();
        }
        if (azurite != null) {
            azurite.close();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        blob().deleteIfExists();
        proxy = PageProxy.sharedKey(azurite.port);
        proxy.onDelete(path -> {
            if (path.endsWith("/" + BLOB)) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                blob().downloadStream(out);
                lastContent.set(out.toByteArray());
            }
        });
        arm.reset();
        arm.storageAccount(ACCOUNT, endpoint() + "/", Azurite.KEY);
        harness = arm.harness(tmp.resolve("work")).flag("workers", "4")
                .sleeper(d -> { });
    }

    @AfterEach
    void tearDown() {
        if (proxy != null) {
            proxy.close();
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + proxy.port() + "/" + ACCOUNT;
    }

    static PageBlobClient blob() {
        return azurite.container(CONTAINER).getBlobClient(BLOB).getPageBlobClient();
    }

    /** push with --storage-account ACCOUNT --container CONTAINER. */
    PushResult push() throws InterruptedException {
        return push(CONTAINER);
    }

    PushResult push(String container) throws InterruptedException {
        if (!storageFlags) {
            harness.flag("storage-account", ACCOUNT).flag("container", container);
            storageFlags = true;
        }
        try (Provider p = new AzureProviderFactory().create(harness.pushContext())) {
            return p.push(PushRequest.of(vhd, ImageFormat.VHD, "hello", DIGEST));
        }
    }

    static String blobUri(String endpoint) {
        return endpoint + "/" + CONTAINER + "/" + BLOB;
    }

    @Test
    void aManagedImageIsMadeFromAPageBlobNamedByTheDigestThatHeldTheVhdAndIsThenDeleted() throws Exception {
        arm.images();
        harness.flag("managed-image", "true");

        PushResult result = push();

        assertThat(arm.unmatched()).isEmpty();
        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.CREATED);
        assertThat(arm.find(RequestMethod.PUT, ".*/disks/.*")).as("no managed disk").isEmpty();
        arm.server.verify(putRequestedFor(urlPathMatching(ArmStandIn.group() + "/images/.*"))
                .withRequestBody(matchingJsonPath("$.properties.storageProfile.osDisk.blobUri",
                        equalTo(blobUri(endpoint()))))
                .withRequestBody(matchingJsonPath("$.properties.storageProfile.osDisk.osType", equalTo("Linux"))));
        // made with If-None-Match: * (never over another push's blob), signed with the account key, no ARM token
        assertThat(proxy.calls()).filteredOn(c -> c.method().equals("PUT") && c.query().isEmpty()
                && c.path().endsWith("/" + BLOB)).singleElement()
                .satisfies(c -> assertThat(c.ifNoneMatch()).isEqualTo("*"));
        assertThat(proxy.calls()).allSatisfy(c -> assertThat(c.authScheme()).isEqualTo("SharedKey"));
        assertPagesHoldOnlyData(proxy.pages());
        assertThat(sectorsSent(proxy.pages())).containsAll(dataSectors());
        assertThat(proxy.pages().stream().mapToLong(PageProxy.PutPage::bytes).sum()).as("bytes on the wire")
                .isEqualTo(dataSectors().size() * 512L);
        assertThat(lastContent.get()).as("the blob just before kiln deleted it").isEqualTo(file);
        assertThat(blob().exists()).as("the blob is gone once the image holds its copy").isFalse();
    }

    @Test
    void aFailedPushKeepsTheBlobSayingHowToDeleteItAndTheNextSendsOnlyWhatItLacks() throws Exception {
        arm.images();
        harness.flag("managed-image", "true").flag("workers", "1");
        proxy.fault(5 * AzurePushTest.MIB, 403);

        assertThatThrownBy(this::push).isInstanceOf(KilnException.class).hasMessageContaining("403")
                .hasMessageContaining("kept blob " + BLOB + " in " + ACCOUNT + "/" + CONTAINER)
                .hasMessageContaining("'az storage blob delete --account-name " + ACCOUNT + " -c " + CONTAINER
                        + " -n " + BLOB + "'");
        assertThat(blob().exists()).as("the blob is kept on purpose").isTrue();
        assertThat(arm.calls()).noneMatch(c -> c.startsWith("DELETE") || c.contains("/images/"));
        List<PageProxy.PutPage> first = proxy.pages();
        assertThat(first).extracting(PageProxy.PutPage::start).contains(0L);

        proxy.clear();
        PushResult result = push();

        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.CREATED);
        assertThat(proxy.calls()).anyMatch(c -> c.method().equals("GET") && c.query().contains("comp=pagelist"));
        List<PageProxy.PutPage> second = proxy.pages();
        assertPagesHoldOnlyData(second);
        Set<Long> before = sectorsSent(first);
        Set<Long> after = sectorsSent(second);
        assertThat(after).as("nothing sent twice").doesNotContainAnyElementsOf(before);
        Set<Long> all = new HashSet<>(before);
        all.addAll(after);
        assertThat(all).containsAll(dataSectors());
        assertThat(lastContent.get()).isEqualTo(file);
        assertThat(harness.events().text()).contains("resuming the upload to blob " + BLOB);
    }

    @Test
    void aTrustedLaunchSupportedDefinitionGetsItsVersionFromTheBlobUriAndItsStorageAccount() throws Exception {
        String gallery = ArmStandIn.group() + "/galleries/kilngallery";
        arm.stub(get(urlPathMatching(gallery)).willReturn(ArmStandIn.resource(200)));
        arm.stub(get(urlPathMatching(gallery + "/images/hello"))
                .willReturn(ArmStandIn.definition("TrustedLaunchSupported")));
        arm.stub(get(urlPathMatching(gallery + "/images/hello/versions")).willReturn(ArmStandIn.json(200, "{\"value\":[]}")));
        arm.stub(put(urlPathMatching(gallery + "/images/hello/versions/2.0.0")).willReturn(ArmStandIn.resource(200)));
        harness.flag("gallery", "kilngallery").flag("image-version", "2.0.0");

        PushResult result = push();

        assertThat(arm.unmatched()).isEmpty();
        assertThat(result.artifactId()).isEqualTo("westeurope:" + gallery + "/images/hello/versions/2.0.0");
        arm.server.verify(putRequestedFor(urlPathMatching(gallery + "/images/hello/versions/2.0.0"))
                .withRequestBody(matchingJsonPath("$.properties.storageProfile.osDiskImage.source.uri",
                        equalTo(blobUri(endpoint()))))
                .withRequestBody(matchingJsonPath("$.properties.storageProfile.osDiskImage.source.storageAccountId",
                        equalTo(ArmStandIn.storageAccountId(ACCOUNT)))));
        assertThat(lastContent.get()).isEqualTo(file);
    }

    @Test
    void aDefinitionMadeForABlobSourceIsTrustedLaunchSupported() throws Exception {
        String gallery = ArmStandIn.group() + "/galleries/kilngallery";
        arm.stub(get(urlPathMatching(gallery)).willReturn(ArmStandIn.resource(200)));
        arm.stub(get(urlPathMatching(gallery + "/images/hello")).willReturn(ArmStandIn.notFound("hello")));
        arm.stub(put(urlPathMatching(gallery + "/images/hello")).willReturn(ArmStandIn.resource(200)));
        arm.stub(get(urlPathMatching(gallery + "/images/hello/versions")).willReturn(ArmStandIn.notFound("hello")));
        arm.stub(put(urlPathMatching(gallery + "/images/hello/versions/2.0.1")).willReturn(ArmStandIn.resource(200)));
        harness.flag("gallery", "kilngallery").flag("image-version", "2.0.1");

        push();

        assertThat(arm.unmatched()).isEmpty();
        arm.server.verify(putRequestedFor(urlPathMatching(gallery + "/images/hello"))
                .withRequestBody(matchingJsonPath("$.properties.hyperVGeneration", equalTo("V2")))
                .withRequestBody(matchingJsonPath("$.properties.features[?(@.name == 'SecurityType')].value",
                        equalTo("TrustedLaunchSupported")))
                .withRequestBody(matchingJsonPath("$.properties.features[?(@.name == 'DiskControllerTypes')].value",
                        equalTo("SCSI,NVMe"))));
        arm.server.verify(putRequestedFor(urlPathMatching(gallery + "/images/hello/versions/2.0.1"))
                .withRequestBody(matchingJsonPath("$.properties.storageProfile.osDiskImage.source.uri",
                        equalTo(blobUri(endpoint())))));
        assertThat(arm.calls()).noneMatch(c -> c.contains("/disks/"));
        assertThat(lastContent.get()).isEqualTo(file);
    }

    @Test
    void aMissingContainerIsAUsageErrorThatSaysHowToMakeIt() throws Exception {
        arm.images();
        harness.flag("managed-image", "true");

        assertThatThrownBy(() -> push("nope")).isInstanceOf(KilnException.class)
                .hasMessageContaining("container nope does not exist")
                .hasMessageContaining("az storage container create --account-name " + ACCOUNT + " -n nope");
        assertThat(proxy.pages()).isEmpty();
    }

    @Test
    void aStorageAccountWithoutAContainerIsRefusedBeforeAnyCall() {
        harness.flag("managed-image", "true").flag("storage-account", ACCOUNT);

        assertThatThrownBy(() -> {
            try (Provider p = new AzureProviderFactory().create(harness.pushContext())) {
                p.push(PushRequest.of(vhd, ImageFormat.VHD, "hello", DIGEST));
            }
        }).isInstanceOf(KilnException.class)
                .hasMessageContaining("--storage-account and --container go together");
        assertThat(arm.calls()).isEmpty();
    }

    /** Every Put Page obeys Azure's rules and is cut to its data (it starts and ends on a sector holding some). */
    static void assertPagesHoldOnlyData(List<PageProxy.PutPage> pages) {
        for (PageProxy.PutPage p : pages) {
            assertThat(p.md5()).isFalse();
            assertThat(p.end() - p.start() + 1).isLessThanOrEqualTo(4 * AzurePushTest.MIB).isEqualTo(p.bytes());
            assertThat(AzurePushTest.sectorHasData(file, p.start() / 512)).as("first sector of page %d-%d holds data",
                    p.start(), p.end()).isTrue();
            assertThat(AzurePushTest.sectorHasData(file, p.end() / 512)).as("last sector of page %d-%d holds data",
                    p.start(), p.end()).isTrue();
        }
    }

    static Set<Long> sectorsSent(List<PageProxy.PutPage> pages) {
        Set<Long> out = new HashSet<>();
        for (PageProxy.PutPage p : pages) {
            for (long s = p.start() / 512; s <= p.end() / 512; s++) {
                out.add(s);
            }
        }
        return out;
    }

    static Set<Long> dataSectors() {
        Set<Long> out = new HashSet<>();
        for (int s = 0; s < file.length / 512; s++) {
            for (int i = s * 512; i < s * 512 + 512; i++) {
                if (file[i] != 0) {
                    out.add((long) s);
                    break;
                }
            }
        }
        return out;
    }
}
