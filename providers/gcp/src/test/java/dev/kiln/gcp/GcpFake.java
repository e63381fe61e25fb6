package dev.kiln.gcp;

import dev.kiln.testkit.FakeTime;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kiln.api.CancelToken;
import dev.kiln.api.Retry;
import dev.kiln.testkit.ProviderHarness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Random;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * One WireMock server playing Google: the OAuth token endpoint a service-account key points at,
 * and Compute's REST API (stubbed per test with responses shaped like the API reference
 * examples); Cloud Storage is {@link FakeGcsServer}. The official clients talk to both over HTTP.
 */
final class GcpFake implements AutoCloseable {

    static final String PROJECT = "kiln-test";
    static final String COMPUTE = "/compute/v1/projects/" + PROJECT;

    final FakeGcsServer gcs;
    final WireMockServer server = new WireMockServer(options().dynamicPort());
    final FakeTime time = new FakeTime();
    final Path dir;

    GcpFake(Path dir) throws Exception {
        this.dir = dir;
        this.gcs = new FakeGcsServer(true);
        server.start();
        server.stubFor(post(urlPathEqualTo("/token")).willReturn(okJson(
                "{\"access_token\":\"ya29.c.kiln-test-token\",\"expires_in\":3599,\"token_type\":\"Bearer\"}")));
        gcs.buckets.add("kiln-images");
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.port();
    }

    /** A service-account key whose token_uri is this server: the real JWT flow, offline. */
    Path key(boolean withProject) throws Exception {
        return key(dir, endpoint() + "/token", withProject);
    }

    /** A service-account key whose token_uri is {@code tokenUri}. */
    static Path key(Path dir, String tokenUri, boolean withProject) throws Exception {
        String pem = privateKey();
        JsonObject key = new JsonObject();
        key.addProperty("type", "service_account");
        if (withProject) {
            key.addProperty("project_id", PROJECT);
        }
        key.addProperty("private_key_id", "0123456789abcdef");
        key.addProperty("private_key", pem);
        key.addProperty("client_email", "kiln@" + PROJECT + ".iam.gserviceaccount.com");
        key.addProperty("client_id", "104857600000000000000");
        key.addProperty("token_uri", tokenUri);
        Path file = dir.resolve(withProject ? "key.json" : "key-no-project.json");
        Files.writeString(file, key.toString());
        return file;
    }

    private static String pem;

    /** One RSA key for all tests: making one costs about a second. */
    static synchronized String privateKey() throws Exception {
        if (pem == null) {
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
                    .encodeToString(rsa.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        }
        return pem;
    }

    /** A harness with credentials, project and endpoint set, and no ambient credentials. */
    ProviderHarness harness() throws Exception {
        ProviderHarness h = new ProviderHarness(new GcpProviderFactory(), dir);
        h.env("NO_GCE_CHECK", "true").env("CLOUDSDK_CONFIG", dir.resolve("gcloud").toString());
        h.flag("keys", key(true).toString()).flag("endpoint", endpoint()).flag("storage-endpoint", gcs.endpoint());
        h.clock(time).sleeper(time);
        return h;
    }

    /** Every retry pause is the longest full jitter allows: 1 s, 2 s, 4 s ... of fake time. */
    static final Random LONGEST_PAUSES = new Random() {
        @Override
        public double nextDouble() {
            return 0.999;
        }
    };

    GcpProvider provider(dev.kiln.spi.ProviderContext context) {
        return new GcpProvider(context, LONGEST_PAUSES);
    }

    /** The calls a provider on {@code time} makes, for tests of one operation. */
    GcpCalls calls(dev.kiln.api.Events events) {
        return calls(time, events);
    }

    static GcpCalls calls(FakeTime time, dev.kiln.api.Events events) {
        return new GcpCalls(Retry.builder().clock(time).sleeper(time).random(LONGEST_PAUSES), time, time,
                CancelToken.create(), events);
    }

    void stub(MappingBuilder mapping) {
        server.stubFor(mapping);
    }

    List<LoggedRequest> requests() {
        return server.getAllServeEvents().stream().map(e -> e.getRequest())
                .sorted(java.util.Comparator.comparing(LoggedRequest::getLoggedDate)).toList();
    }

    /** "METHOD path" of every request, in the order they arrived. */
    List<String> calls() {
        return server.getAllServeEvents().stream()
                .sorted(java.util.Comparator.comparing(e -> e.getRequest().getLoggedDate()))
                .map(e -> e.getRequest().getMethod() + " " + e.getRequest().getUrl().split("\\?")[0])
                .toList();
    }

    static JsonObject json(LoggedRequest r) {
        return JsonParser.parseString(r.getBodyAsString()).getAsJsonObject();
    }

    /** An operation as Compute returns it (cloud.google.com/compute/docs/reference/rest/v1/globalOperations). */
    static String operation(String name, String status, int progress, String target, String scope) {
        return "{\"kind\":\"compute#operation\",\"id\":\"7127550864823803662\",\"name\":\"" + name + "\","
                + "\"operationType\":\"insert\",\"targetLink\":\"https://www.googleapis.com/compute/v1/projects/"
                + PROJECT + "/" + target + "\",\"targetId\":\"5064087651829420003\",\"status\":\"" + status + "\","
                + "\"user\":\"kiln@" + PROJECT + ".iam.gserviceaccount.com\",\"progress\":" + progress + ","
                + "\"insertTime\":\"2026-11-22T02:04:57.770-08:00\",\"selfLink\":\"https://www.googleapis.com/compute/v1/projects/"
                + PROJECT + "/" + scope + "/operations/" + name + "\"}";
    }

    static String failedOperation(String name, String target, String code, String message) {
        String done = operation(name, "DONE", 100, target, "global");
        return done.substring(0, done.length() - 1) + ",\"httpErrorStatusCode\":400,\"httpErrorMessage\":\"BAD REQUEST\","
                + "\"error\":{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}]}}";
    }

    /** Compute's error body for a failed call (cloud.google.com/compute/docs/api/how-tos/api-requests-responses). */
    static String apiError(int code, String reason, String message) {
        return "{\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\",\"errors\":[{\"message\":\""
                + message + "\",\"domain\":\"global\",\"reason\":\"" + reason + "\"}]}}";
    }

    @Override
    public void close() {
        server.stop();
        gcs.close();
    }
}
