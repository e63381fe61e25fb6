package dev.kiln.gcp;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.google.gson.JsonObject;
import dev.kiln.api.Architecture;
import dev.kiln.api.Artifact;
import dev.kiln.api.BootMode;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.PublishPolicy;
import dev.kiln.core.Digests;
import dev.kiln.api.KilnException;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.testing.HostTools;
import dev.kiln.testkit.ProviderHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.kiln.gcp.GcpFake.COMPUTE;
import static dev.kiln.gcp.GcpFake.operation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GcpPushTest {

    @TempDir
    Path tmp;

    private GcpFake gcp;
    private ProviderHarness harness;
    private Path image;
    private String digest;

    @BeforeEach
    void start() throws Exception {
        gcp = new GcpFake(tmp);
        harness = gcp.harness().flag("bucket", "kiln-images").flag("chunk-size", "1");
        image = tarGz(tmp.resolve("hello.img.tar.gz"), (3 << 20) + 12345);
        digest = "sha256:" + Digests.sha256Hex(image);
    }

    @AfterEach
    void stop() {
        gcp.close();
    }

    /** A gzip stream of incompressible bytes: the upload does not care what the tar holds. */
    static Path tarGz(Path file, int size) throws Exception {
        byte[] data = new byte[size];
        new Random(7).nextBytes(data);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(data);
        }
        return file;
    }

    private PublishPolicy policy = PublishPolicy.DEFAULT;

    private PushRequest request() {
        return request(image, ImageFormat.GCP, "hello", Set.of(BootMode.BIOS, BootMode.UEFI), digest, false);
    }

    private PushRequest request(Path file, ImageFormat format, String name, Set<BootMode> boot, String digest,
                                boolean dryRun) {
        return new PushRequest(Artifact.single(format, file), name, Architecture.AMD64, boot, digest, policy, dryRun);
    }

    private void policy(PublishPolicy.IfExists ifExists, boolean isPublic, Map<String, String> tags) {
        policy = new PublishPolicy(ifExists, isPublic, List.of(), Optional.empty(), tags);
    }

    private String label() {
        return digest.substring(7, 39);
    }

    private void noImages() {
        gcp.stub(get(urlPathEqualTo(COMPUTE + "/global/images")).willReturn(okJson(
                "{\"kind\":\"compute#imageList\",\"id\":\"projects/kiln-test/global/images\",\"selfLink\":"
                        + "\"https://www.googleapis.com/compute/v1/projects/kiln-test/global/images\"}")));
        gcp.stub(get(urlPathEqualTo(COMPUTE + "/global/images/hello")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withBody(GcpFake.apiError(404, "notFound", "The resource 'projects/kiln-test/global/images/hello' was not found"))));
    }

    private void imagesHolding(String name, String digestLabel) {
        String image = image(name, digestLabel);
        gcp.stub(get(urlPathEqualTo(COMPUTE + "/global/images")).willReturn(okJson(
                "{\"kind\":\"compute#imageList\",\"id\":\"projects/kiln-test/global/images\",\"items\":[" + image + "]}")));
        gcp.stub(get(urlPathEqualTo(COMPUTE + "/global/images/" + name)).willReturn(okJson(image)));
    }

    static String image(String name, String digestLabel) {
        return "{\"kind\":\"compute#image\",\"id\":\"3031339396924412345\",\"creationTimestamp\":"
                + "\"2026-11-20T01:02:03.000-08:00\",\"name\":\"" + name + "\",\"sourceType\":\"RAW\",\"status\":\"READY\","
                + "\"archiveSizeBytes\":\"3351040\",\"diskSizeGb\":\"1\",\"labels\":{\"kiln-digest\":\"" + digestLabel
                + "\",\"kiln-version\":\"0_1_0\"},\"guestOsFeatures\":[{\"type\":\"UEFI_COMPATIBLE\"}],"
                + "\"selfLink\":\"https://www.googleapis.com/compute/v1/projects/kiln-test/global/images/" + name + "\"}";
    }

    private void importSucceeds() {
        gcp.stub(post(urlPathEqualTo(COMPUTE + "/global/images")).willReturn(okJson(
                operation("operation-insert-1", "PENDING", 0, "global/images/hello", "global"))));
        gcp.stub(get(urlPathEqualTo(COMPUTE + "/global/operations/operation-insert-1")).willReturn(okJson(
                operation("operation-insert-1", "DONE", 100, "global/images/hello", "global"))));
    }

    private PushResult push() throws Exception {
        try (GcpProvider provider = gcp.provider(harness.pushContext())) {
            return provider.push(request());
        }
    }

    private List<LoggedRequest> requests(String method, String path) {
        return gcp.requests().stream().filter(r -> r.getMethod().getName().equals(method)
                && r.getUrl().split("\\?")[0].equals(path)).toList();
    }

    @Test
    void uploadsWithResumableChunksResumingFromTheCommittedOffsetAfterA503() throws Exception {
        noImages();
        importSucceeds();
        gcp.gcs.failPutOnce(2, 300 * 1024);

        PushResult result = push();

        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.CREATED);
        String object = "hello-" + digest.substring(7, 19) + ".tar.gz";
        assertThat(gcp.gcs.completed.get(object)).isEqualTo(Files.readAllBytes(image));
        int committed = (1 << 20) + 300 * 1024;
        long size = Files.size(image);
        assertThat(gcp.gcs.requests).anyMatch(r -> r.endsWith(" bytes 0-1048575/*"))
                .anyMatch(r -> r.endsWith(" bytes */*"))
                .anyMatch(r -> r.contains(" bytes " + committed + "-"));
        assertThat(gcp.gcs.objects).as("object deleted after the import").isEmpty();
    }

    @Test
    void byDefaultAFileSmallerThanTheChunkGoesInOneRequest() throws Exception {
        noImages();
        importSucceeds();
        harness = gcp.harness().flag("bucket", "kiln-images");

        push();

        long size = Files.size(image);
        assertThat(gcp.gcs.requests.stream().filter(r -> r.startsWith("PUT /upload/")))
                .containsExactly("PUT /upload/storage/v1/b/kiln-images/o bytes 0-" + (size - 1) + "/" + size);
    }

    @Test
    void insertsTheImageFromTheObjectWithFeaturesLabelsAndFamily() throws Exception {
        noImages();
        importSucceeds();
        harness.flag("family", "hello-stable").flag("feature", "sev_capable")
                .flag("nested-virt", "true").flag("storage-location", "eu");
        policy(PublishPolicy.IfExists.SKIP, false, Map.of("team", "infra", "env", "prod"));

        PushResult result = push();

        JsonObject body = GcpFake.json(requests("POST", COMPUTE + "/global/images").get(0));
        assertThat(body.get("name").getAsString()).isEqualTo("hello");
        assertThat(body.get("family").getAsString()).isEqualTo("hello-stable");
        assertThat(body.get("architecture").getAsString()).isEqualTo("X86_64");
        JsonObject raw = body.getAsJsonObject("rawDisk");
        assertThat(raw.get("source").getAsString()).isEqualTo(
                "https://storage.googleapis.com/kiln-images/hello-" + digest.substring(7, 19) + ".tar.gz");
        assertThat(raw.get("containerType").getAsString()).isEqualTo("TAR");
        assertThat(body.getAsJsonArray("guestOsFeatures").toString()).contains("\"UEFI_COMPATIBLE\"",
                "\"VIRTIO_SCSI_MULTIQUEUE\"", "\"GVNIC\"", "\"SEV_CAPABLE\"");
        JsonObject labels = body.getAsJsonObject("labels");
        assertThat(labels.get("kiln-digest").getAsString()).isEqualTo(label());
        assertThat(labels.get("kiln-version").getAsString()).matches("[a-z0-9_-]+");
        assertThat(labels.get("team").getAsString()).isEqualTo("infra");
        assertThat(labels.get("env").getAsString()).isEqualTo("prod");
        assertThat(labels.get("kiln-name").getAsString()).as("what kiln ls and rm find it by").isEqualTo("hello");
        assertThat(body.get("description").getAsString()).as("the whole digest, which no label can hold")
                .endsWith("(kiln-digest: " + digest + ")");
        assertThat(body.getAsJsonArray("licenses").toString()).contains("vm-options/global/licenses/enable-vmx");
        assertThat(body.getAsJsonArray("storageLocations").toString()).contains("eu");
        assertThat(requests("POST", COMPUTE + "/global/images").get(0).queryParameter("requestId").isPresent()).isTrue();
        assertThat(result.images().get(0).imageId()).isEqualTo("projects/kiln-test/global/images/hello");
        assertThat(result.tags()).containsEntry("kiln-digest", label());
    }

    @Test
    void aBiosOnlyImageIsNotMarkedUefiCompatible() throws Exception {
        noImages();
        importSucceeds();
        try (GcpProvider provider = gcp.provider(harness.pushContext())) {
            provider.push(request(image, ImageFormat.GCP, "hello", Set.of(BootMode.BIOS), digest, false));
        }

        String features = GcpFake.json(requests("POST", COMPUTE + "/global/images").get(0))
                .getAsJsonArray("guestOsFeatures").toString();
        assertThat(features).doesNotContain("UEFI_COMPATIBLE").contains("VIRTIO_SCSI_MULTIQUEUE");
    }

    @Test
    void aHybridImageIsNotMarkedUefiCompatibleWhenThatIsTurnedOff() throws Exception {
        noImages();
        importSucceeds();
        harness.flag("uefi-compatible", "false").flag("feature", "sev_capable");

        push();

        JsonObject body = GcpFake.json(requests("POST", COMPUTE + "/global/images").get(0));
        List<String> types = new ArrayList<>();
        body.getAsJsonArray("guestOsFeatures").forEach(f -> types.add(f.getAsJsonObject().get("type").getAsString()));
        assertThat(types).containsExactlyInAnyOrder("VIRTIO_SCSI_MULTIQUEUE", "GVNIC", "SEV_CAPABLE");
        assertThat(body.getAsJsonObject("rawDisk").get("source").getAsString()).endsWith(".tar.gz");
    }

    @Test
    void uefiCompatibleCanBeTurnedOffFromTheEnvironment() throws Exception {
        noImages();
        importSucceeds();
        harness.env("KILN_GCP_UEFI_COMPATIBLE", "false");

        push();

        String features = GcpFake.json(requests("POST", COMPUTE + "/global/images").get(0))
                .getAsJsonArray("guestOsFeatures").toString();
        assertThat(features).doesNotContain("UEFI_COMPATIBLE").contains("GVNIC");
    }

    @Test
    void pollsALongImportPastTheOld150SecondLimit() throws Exception {
        noImages();
        gcp.stub(post(urlPathEqualTo(COMPUTE + "/global/images")).willReturn(okJson(
                operation("operation-insert-1", "PENDING", 0, "global/images/hello", "global"))));
        String op = COMPUTE + "/global/operations/operation-insert-1";
        int polls = 40;
        for (int i = 0; i < polls; i++) {
            gcp.stub(get(urlPathEqualTo(op)).inScenario("import").whenScenarioStateIs(i == 0 ? Scenario.STARTED : "poll" + i)
                    .willSetStateTo("poll" + (i + 1))
                    .willReturn(okJson(operation("operation-insert-1", "RUNNING", i * 2, "global/images/hello", "global"))));
        }
        gcp.stub(get(urlPathEqualTo(op)).inScenario("import").whenScenarioStateIs("poll" + polls)
                .willReturn(okJson(operation("operation-insert-1", "DONE", 100, "global/images/hello", "global"))));

        PushResult result = push();

        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.CREATED);
        assertThat(gcp.time.elapsed()).isGreaterThan(java.time.Duration.ofSeconds(150));
        assertThat(requests("GET", op)).hasSize(polls + 1);
        assertThat(harness.events().all()).anyMatch(e -> e instanceof dev.kiln.api.Event.Progress p
                && p.task().equals("import image hello") && p.done() == 50);
    }

    @Test
    void anImportLongerThanTheTimeoutFailsAndCleansUp() throws Exception {
        noImages();
        gcp.stub(post(urlPathEqualTo(COMPUTE + "/global/images")).willReturn(okJson(
                operation("operation-insert-1", "PENDING", 0, "global/images/hello", "global"))));
        gcp.stub(get(urlPathEqualTo(COMPUTE + "/global/operations/operation-insert-1")).willReturn(okJson(
                operation("operation-insert-1", "RUNNING", 10, "global/images/hello", "global"))));
        gcp.stub(delete(urlPathEqualTo(COMPUTE + "/global/images/hello")).willReturn(okJson(
                operation("operation-delete-1", "DONE", 100, "global/images/hello", "global"))));
        harness.flag("import-timeout", "5m");

        assertThatThrownBy(this::push).isInstanceOf(KilnException.class)
                .hasMessageContaining("still RUNNING after 5m").hasMessageContaining("--import-timeout")
                .hasMessageContaining("removed image hello");

        assertThat(requests("DELETE", COMPUTE + "/global/images/hello")).hasSize(1);
        assertThat(gcp.gcs.objects).isEmpty();
    }

    @Test
    void skipsTheUploadWhenAnImageWithTheSameDigestExists() throws Exception {
        imagesHolding("hello-old", label());

        PushResult result = push();

        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.EXISTED);
        assertThat(result.images().get(0).imageId()).isEqualTo("projects/kiln-test/global/images/hello-old");
        assertThat(gcp.calls()).noneMatch(c -> c.startsWith("POST /compute"));
        assertThat(gcp.gcs.requests).isEmpty();
        String filter = requests("GET", COMPUTE + "/global/images").get(0).queryParameter("filter").firstValue();
        assertThat(filter).isEqualTo("labels.kiln-digest = \"" + label() + "\"");
    }

    @Test
    void failsWhenAskedToAndTheDigestExists() throws Exception {
        imagesHolding("hello", label());
        policy(PublishPolicy.IfExists.FAIL, false, Map.of());

        assertThatThrownBy(this::push).isInstanceOf(KilnException.class)
                .hasMessageContaining("image hello already holds this content").hasMessageContaining("--if-exists");
        assertThat(gcp.calls()).noneMatch(c -> c.startsWith("POST /compute"));
        assertThat(gcp.gcs.requests).isEmpty();
    }

    @Test
    void replaceCreatesTheNewImageFirstThenDeletesTheOld() throws Exception {
        imagesHolding("hello", label());
        gcp.stub(post(urlPathEqualTo(COMPUTE + "/global/images")).willReturn(okJson(
                operation("operation-insert-1", "PENDING", 0, "global/images/hello-20261122-100000", "global"))));
        gcp.stub(get(urlPathEqualTo(COMPUTE + "/global/operations/operation-insert-1")).willReturn(okJson(
                operation("operation-insert-1", "DONE", 100, "global/images/hello-20261122-100000", "global"))));
        gcp.stub(delete(urlPathEqualTo(COMPUTE + "/global/images/hello")).willReturn(okJson(
                operation("operation-delete-1", "PENDING", 0, "global/images/hello", "global"))));
        gcp.stub(get(urlPathEqualTo(COMPUTE + "/global/operations/operation-delete-1")).willReturn(okJson(
                operation("operation-delete-1", "DONE", 100, "global/images/hello", "global"))));
        policy(PublishPolicy.IfExists.REPLACE, false, Map.of());

        PushResult result = push();

        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.REPLACED);
        assertThat(result.name()).isEqualTo("hello-20261122-100000");
        List<String> calls = gcp.calls();
        assertThat(calls.indexOf("POST " + COMPUTE + "/global/images"))
                .isLessThan(calls.indexOf("DELETE " + COMPUTE + "/global/images/hello"));
        assertThat(result.resources()).anyMatch(r -> r.type().equals("removed image")
                && r.id().equals("projects/kiln-test/global/images/hello"));
    }

    @Test
    void publicGrantsImageUserToAllAuthenticatedUsers() throws Exception {
        noImages();
        importSucceeds();
        gcp.stub(get(urlPathEqualTo(COMPUTE + "/global/images/hello/getIamPolicy")).willReturn(okJson(
                "{\"version\":1,\"etag\":\"BwXhqDa3jS8=\",\"bindings\":[{\"role\":\"roles/compute.imageUser\","
                        + "\"members\":[\"group:admins@example.com\"]}]}")));
        gcp.stub(post(urlPathEqualTo(COMPUTE + "/global/images/hello/setIamPolicy")).willReturn(okJson(
                "{\"version\":1,\"etag\":\"BwXhqDa3jS9=\"}")));
        policy(PublishPolicy.IfExists.SKIP, true, Map.of());

        push();

        JsonObject policy = GcpFake.json(requests("POST", COMPUTE + "/global/images/hello/setIamPolicy").get(0))
                .getAsJsonObject("policy");
        assertThat(policy.get("etag").getAsString()).isEqualTo("BwXhqDa3jS8=");
        assertThat(policy.getAsJsonArray("bindings").toString())
                .contains("{\"role\":\"roles/compute.imageUser\",\"members\":[\"allAuthenticatedUsers\"]}")
                .contains("group:admins@example.com");
    }

    @Test
    void keepObjectLeavesTheUploadInTheBucket() throws Exception {
        noImages();
        importSucceeds();
        harness.flag("keep-object", "true");

        PushResult result = push();

        assertThat(gcp.gcs.objects).containsKey("kiln-images/hello-" + digest.substring(7, 19) + ".tar.gz");
        assertThat(result.resources()).anyMatch(r -> r.type().equals("object")
                && r.id().equals("gs://kiln-images/hello-" + digest.substring(7, 19) + ".tar.gz"));
    }

    @Test
    void anOperationThatEndsInErrorSaysWhyAndLeavesNothingBehind() throws Exception {
        noImages();
        gcp.stub(post(urlPathEqualTo(COMPUTE + "/global/images")).willReturn(okJson(
                operation("operation-insert-1", "RUNNING", 0, "global/images/hello", "global"))));
        gcp.stub(get(urlPathEqualTo(COMPUTE + "/global/operations/operation-insert-1")).willReturn(okJson(
                GcpFake.failedOperation("operation-insert-1", "global/images/hello", "INVALID_FIELD_VALUE",
                        "Invalid value for field 'resource.rawDisk.source': The tar archive is not a valid image."))));
        gcp.stub(delete(urlPathEqualTo(COMPUTE + "/global/images/hello")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json").withBody(GcpFake.apiError(404, "notFound", "not found"))));

        assertThatThrownBy(this::push).isInstanceOf(KilnException.class)
                .hasMessageContaining("INVALID_FIELD_VALUE")
                .hasMessageContaining("The tar archive is not a valid image")
                .hasMessageContaining("kiln build -f gcp")
                .hasMessageContaining("removed image hello, gs://kiln-images/hello-");

        assertThat(requests("DELETE", COMPUTE + "/global/images/hello")).hasSize(1);
        assertThat(gcp.gcs.objects).isEmpty();
    }

    @Test
    void throttledAndUnavailableAnswersAreRetriedWithBackoff() throws Exception {
        String list = COMPUTE + "/global/images";
        gcp.stub(get(urlPathEqualTo(list)).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("throttled").willReturn(aResponse().withStatus(429)
                        .withHeader("Content-Type", "application/json")
                        .withBody(GcpFake.apiError(429, "rateLimitExceeded", "Rate Limit Exceeded"))));
        gcp.stub(get(urlPathEqualTo(list)).inScenario("flaky").whenScenarioStateIs("throttled")
                .willSetStateTo("ok").willReturn(aResponse().withStatus(503)
                        .withHeader("Content-Type", "application/json")
                        .withBody(GcpFake.apiError(503, "backendError", "Backend Error"))));
        gcp.stub(get(urlPathEqualTo(list)).inScenario("flaky").whenScenarioStateIs("ok").willReturn(okJson(
                "{\"kind\":\"compute#imageList\",\"items\":[" + image("hello", label()) + "]}")));

        PushResult result = push();

        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.EXISTED);
        assertThat(requests("GET", list)).hasSize(3);
        assertThat(gcp.time.sleeps()).hasSize(2);
        assertThat(gcp.time.sleeps().get(1)).isGreaterThanOrEqualTo(gcp.time.sleeps().get(0));
    }

    @Test
    void throttlingThatNeverEndsIsAClearError() throws Exception {
        gcp.stub(get(urlPathEqualTo(COMPUTE + "/global/images")).willReturn(aResponse().withStatus(429)
                .withHeader("Content-Type", "application/json")
                .withBody(GcpFake.apiError(429, "rateLimitExceeded", "Rate Limit Exceeded"))));

        assertThatThrownBy(this::push).isInstanceOf(KilnException.class)
                .hasMessageContaining("throttling").hasMessageContaining("429");
        assertThat(requests("GET", COMPUTE + "/global/images")).hasSize(GcpCalls.ATTEMPTS);
    }

    @Test
    void aMissingProjectIsAClearErrorBeforeAnyRequest() throws Exception {
        ProviderHarness h = new ProviderHarness(new GcpProviderFactory(), tmp)
                .env("NO_GCE_CHECK", "true").env("CLOUDSDK_CONFIG", tmp.resolve("none").toString())
                .flag("keys", gcp.key(false).toString()).flag("endpoint", gcp.endpoint()).flag("bucket", "kiln-images")
                .flag("storage-endpoint", gcp.gcs.endpoint());

        try (GcpProvider provider = gcp.provider(h.pushContext())) {
            assertThatThrownBy(() -> provider.push(request())).isInstanceOf(KilnException.class)
                    .hasMessageContaining("--project").hasMessageContaining("CLOUDSDK_CORE_PROJECT")
                    .matches(e -> ((KilnException) e).isUsage());
        }
        assertThat(gcp.calls()).isEmpty();
        assertThat(gcp.gcs.requests).isEmpty();
    }

    @Test
    void theProjectComesFromTheEnvironmentWhenNotGiven() throws Exception {
        ProviderHarness h = new ProviderHarness(new GcpProviderFactory(), tmp)
                .env("NO_GCE_CHECK", "true").env("GOOGLE_CLOUD_PROJECT", "kiln-test")
                .env("GOOGLE_APPLICATION_CREDENTIALS", gcp.key(false).toString())
                .flag("endpoint", gcp.endpoint()).flag("storage-endpoint", gcp.gcs.endpoint()).flag("bucket", "kiln-images");
        imagesHolding("hello", label());

        try (GcpProvider provider = gcp.provider(h.pushContext())) {
            assertThat(provider.push(request()).outcome()).isEqualTo(PushResult.Outcome.EXISTED);
        }
        assertThat(requests("GET", COMPUTE + "/global/images").get(0).getHeader("Authorization"))
                .isEqualTo("Bearer ya29.c.kiln-test-token");
    }

    @Test
    void aBucketThatDoesNotExistIsAClearErrorAndLeavesNothing() throws Exception {
        noImages();
        harness.flag("bucket", "no-such-bucket");

        assertThatThrownBy(this::push).isInstanceOf(KilnException.class)
                .hasMessageContaining("bucket no-such-bucket does not exist")
                .hasMessageContaining("gcloud storage buckets create gs://no-such-bucket");

        assertThat(gcp.calls()).noneMatch(c -> c.startsWith("POST /compute"));
        assertThat(gcp.gcs.objects).isEmpty();
    }

    @Test
    void anInterruptDuringTheImportRemovesTheObjectAndTheHalfMadeImage() throws Exception {
        noImages();
        gcp.stub(post(urlPathEqualTo(COMPUTE + "/global/images")).willReturn(okJson(
                operation("operation-insert-1", "PENDING", 0, "global/images/hello", "global"))));
        gcp.stub(get(urlPathEqualTo(COMPUTE + "/global/operations/operation-insert-1")).inScenario("import")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("done").willReturn(okJson(
                        operation("operation-insert-1", "RUNNING", 30, "global/images/hello", "global"))));
        gcp.stub(get(urlPathEqualTo(COMPUTE + "/global/operations/operation-insert-1")).inScenario("import")
                .whenScenarioStateIs("done").willReturn(okJson(
                        operation("operation-insert-1", "DONE", 100, "global/images/hello", "global"))));
        gcp.stub(delete(urlPathEqualTo(COMPUTE + "/global/images/hello")).willReturn(okJson(
                operation("operation-delete-1", "DONE", 100, "global/images/hello", "global"))));
        gcp.time.interruptOnSleep(1);

        assertThatThrownBy(this::push).isInstanceOf(KilnException.class)
                .hasMessageContaining("interrupted").hasMessageContaining("removed image hello, gs://kiln-images/");

        assertThat(requests("DELETE", COMPUTE + "/global/images/hello")).hasSize(1);
        assertThat(gcp.gcs.objects).isEmpty();
    }

    @Test
    void aRawDiskIsConvertedToTheTarGzGceImports() throws Exception {
        noImages();
        importSucceeds();
        Path raw = ProviderHarness.sampleDisk(tmp, "disk", 16 << 20);
        String rawDigest = "sha256:" + Digests.sha256Hex(raw);

        try (GcpProvider provider = gcp.provider(harness.pushContext())) {
            provider.push(request(raw, ImageFormat.RAW_EFI, "hello", Set.of(BootMode.UEFI), rawDigest, false));
        }

        byte[] uploaded = gcp.gcs.completed.get("hello-" + rawDigest.substring(7, 19) + ".tar.gz");
        Path copy = Files.write(tmp.resolve("uploaded.tar.gz"), uploaded);
        Process tar = HostTools.command("tar", "-tvzf", copy.toString()).redirectErrorStream(true).start();
        String listing = new String(tar.getInputStream().readAllBytes());
        assertThat(tar.waitFor()).as(listing).isZero();
        assertThat(listing).contains("disk.raw").contains(String.valueOf(1L << 30));
    }

    @Test
    void dryRunSendsNothing() throws Exception {
        try (GcpProvider provider = gcp.provider(harness.pushContext())) {
            PushResult result = provider.push(request(image, ImageFormat.GCP, "hello", Set.of(BootMode.UEFI), digest,
                    true));
            assertThat(result.outcome()).isEqualTo(PushResult.Outcome.DRY_RUN);
        }
        assertThat(gcp.calls()).isEmpty();
    }

    @Test
    void anInvalidImageNameIsRefusedWithASuggestion() throws Exception {
        try (GcpProvider provider = gcp.provider(harness.pushContext())) {
            assertThatThrownBy(() -> provider.push(request(image, ImageFormat.GCP, "Hello_World.v2",
                    Set.of(BootMode.UEFI), digest, false)))
                    .isInstanceOf(KilnException.class).hasMessageContaining("--name hello-world-v2");
        }
        assertThat(gcp.calls()).isEmpty();
    }
}
