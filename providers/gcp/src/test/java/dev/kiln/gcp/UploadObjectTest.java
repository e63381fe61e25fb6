package dev.kiln.gcp;

import dev.kiln.testkit.FakeTime;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import dev.kiln.api.CancelToken;
import dev.kiln.api.Event;
import dev.kiln.api.Retry;
import dev.kiln.api.KilnException;
import dev.kiln.testkit.RecordingEvents;
import dev.kiln.testkit.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The upload through google-cloud-storage against the protocol stand-in, one fault at a time; 1 MiB chunks.
 * The library's own retries sleep for real (about a second per fault).
 */
class UploadObjectTest {

    private static final String BUCKET = "kiln-images";
    private static final String OBJECT = "hello.tar.gz";
    private static final int CHUNK = 1 << 20;

    @TempDir
    Path tmp;

    private final FakeGcsServer gcs = new FakeGcsServer(true);
    private final FakeTime time = new FakeTime();
    private final RecordingEvents events = new RecordingEvents();
    private final CancelToken cancel = CancelToken.create();
    private GcpClients clients;
    private Path file;
    private long size;

    UploadObjectTest() throws Exception {
        gcs.buckets.add(BUCKET);
    }

    @BeforeEach
    void start() throws Exception {
        file = GcpPushTest.tarGz(tmp.resolve("hello.img.tar.gz"), (3 << 20) + 12345);
        size = Files.size(file);
        clients = clients(gcs.endpoint());
    }

    static GcpClients clients(String endpoint) {
        GoogleCredentials token = GoogleCredentials.newBuilder()
                .setAccessToken(new AccessToken("ya29.upload-test", new Date(System.currentTimeMillis() + 3_600_000)))
                .setQuotaProjectId("kiln-billing").build();
        return new GcpClients(new GcpAccount(token, "kiln-test", "test"), Optional.of(endpoint), Optional.empty(), CHUNK);
    }

    @AfterEach
    void stop() {
        clients.close();
        gcs.close();
    }

    private UploadedObject upload() throws InterruptedException {
        return upload(clients, BUCKET);
    }

    private UploadedObject upload(GcpClients with, String bucket) throws InterruptedException {
        var e = events.as("gcp");
        GcpCalls calls = new GcpCalls(Retry.builder().clock(time).sleeper(time).random(GcpFake.LONGEST_PAUSES),
                time, time, cancel, e);
        return new UploadObject(with, calls, e).upload(file, bucket, OBJECT, "sha256:0123");
    }

    private List<String> uploadRequests() {
        return gcs.requests.stream().filter(r -> r.startsWith("PUT /upload/") || r.startsWith("POST /upload/")).toList();
    }

    private void assertStoredIntact() throws Exception {
        assertThat(gcs.completed.get(OBJECT)).isEqualTo(Files.readAllBytes(file));
        assertThat(gcs.objects).containsKey(BUCKET + "/" + OBJECT);
    }

    @Test
    void sendsChunksOfTheChunkSizeAndNamesTheTotalOnlyOnTheLast() throws Exception {
        UploadedObject object = upload();

        assertStoredIntact();
        assertThat(object).isEqualTo(new UploadedObject(BUCKET, OBJECT, size, false));
        assertThat(uploadRequests()).containsExactly(
                "POST /upload/storage/v1/b/kiln-images/o ",
                "PUT /upload/storage/v1/b/kiln-images/o bytes 0-1048575/*",
                "PUT /upload/storage/v1/b/kiln-images/o bytes 1048576-2097151/*",
                "PUT /upload/storage/v1/b/kiln-images/o bytes 2097152-3145727/*",
                "PUT /upload/storage/v1/b/kiln-images/o bytes 3145728-" + (size - 1) + "/" + size);
        assertThat(gcs.objects.get(BUCKET + "/" + OBJECT).getAsJsonObject("metadata").get("kiln-digest").getAsString())
                .isEqualTo("sha256:0123");
        assertThat(events.all()).as("progress while the upload runs")
                .anyMatch(e -> e instanceof Event.Progress p && p.done() == 2 << 20 && p.total() == size)
                .anyMatch(e -> e instanceof Event.Progress p && p.done() == size && p.total() == size);
    }

    @Test
    void everyUploadRequestCarriesTheBearerTokenAndTheQuotaProject() throws Exception {
        upload();

        assertThat(gcs.headers).isNotEmpty().allSatisfy(h -> {
            assertThat(h).containsEntry("authorization", "Bearer ya29.upload-test");
            assertThat(h).containsEntry("x-goog-user-project", "kiln-billing");
        });
    }

    @Test
    void a503MidChunkResumesFromTheCommittedOffset() throws Exception {
        gcs.failPutOnce(3, 100 * 1024);

        upload();

        assertStoredIntact();
        long committed = 2 * CHUNK + 100 * 1024;
        assertThat(uploadRequests()).anyMatch(r -> r.contains(" bytes " + committed + "-"));
        assertThat(uploadRequests()).filteredOn(r -> r.contains(" bytes 0-")).hasSize(1);
    }

    @Test
    void aConnectionResetMidChunkResumesFromTheCommittedOffset() throws Exception {
        gcs.failPutOnce(2, 300 * 1024, FakeGcsServer.Fault.RESET);

        upload();

        assertStoredIntact();
        long committed = CHUNK + 300 * 1024;
        assertThat(uploadRequests()).anyMatch(r -> r.contains(" bytes " + committed + "-"));
    }

    @Test
    void aCorruptedUploadIsAClearErrorAndLeavesNoObject() {
        gcs.corruptNextUpload();

        assertThatThrownBy(this::upload).isInstanceOf(KilnException.class)
                .hasMessageContaining("Tried to upload hello.img.tar.gz to gs://kiln-images/hello.tar.gz");

        assertThat(gcs.objects).isEmpty();
        assertThat(gcs.openSessions()).isZero();
    }

    @Test
    void cancelMidChunkAbortsTheBlockedRequestAndCancelsTheSession() throws Exception {
        gcs.failPutOnce(2, 300 * 1024, FakeGcsServer.Fault.HOLD);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread pusher = new Thread(() -> {
            try {
                upload();
            } catch (Throwable t) {
                failure.set(t);
            }
        });

        pusher.start();
        assertThat(gcs.held.await(60, TimeUnit.SECONDS)).isTrue();
        cancel.cancel();
        pusher.join(20_000);
        gcs.release.countDown();

        assertThat(pusher.isAlive()).as("the blocked request ended without the server answering").isFalse();
        assertThat(failure.get()).isInstanceOf(InterruptedException.class);
        assertThat(gcs.requests).contains("DELETE /upload/storage/v1/b/kiln-images/o ");
        assertThat(gcs.cancelled).hasSize(1);
        assertThat(gcs.openSessions()).isZero();
        assertThat(gcs.objects).isEmpty();
    }

    @Test
    void anUploadUrlOnAnotherHostGetsNeitherTheTokenNorTheImage() throws Exception {
        try (FakeGcsServer elsewhere = new FakeGcsServer(true)) {
            elsewhere.buckets.add(BUCKET);
            gcs.sessionsAt(elsewhere.endpoint().replace("127.0.0.1", "localhost"));

            assertThatThrownBy(this::upload).isInstanceOf(KilnException.class)
                    .hasMessageContaining("refused").hasMessageContaining("another host")
                    .hasMessageContaining(gcs.endpoint()).hasMessageNotContaining("upload_id");

            assertThat(elsewhere.requests).as("requests sent to the server-chosen host").isEmpty();
        }
        assertThat(gcs.objects).isEmpty();
    }

    @Test
    void anUntrustedCertificateIsAClearErrorSayingHowToTrustAProxysCa() throws Exception {
        try (FakeGcsServer https = new FakeGcsServer(true, true,
                new TestCertificates(tmp).selfSigned("localhost", "dns:localhost,ip:127.0.0.1").context())) {
            https.buckets.add(BUCKET);
            GcpClients tls = clients(https.endpoint());
            try {
                assertThatThrownBy(() -> upload(tls, BUCKET)).isInstanceOf(KilnException.class)
                        .hasMessageContaining("TLS certificate is not trusted")
                        .hasMessageContaining("javax.net.ssl.trustStore");
            } finally {
                tls.close();
            }
            assertThat(https.requests).isEmpty();
        }
    }

    @Test
    void anObjectWithTheSameDigestAndSizeIsReusedWithoutASecondUpload() throws Exception {
        upload();
        int before = uploadRequests().size();

        UploadedObject again = upload();

        assertThat(again.reused()).isTrue();
        assertThat(uploadRequests()).hasSize(before);
        assertThat(gcs.requests).contains("GET /storage/v1/b/kiln-images/o/hello.tar.gz ");
    }

    @Test
    void anObjectOfThatNameWithOtherContentIsAClearError() throws Exception {
        upload();
        Files.write(file, new byte[] {1, 2, 3});

        assertThatThrownBy(this::upload).isInstanceOf(KilnException.class)
                .hasMessageContaining("an object of that name with other content is in the bucket")
                .hasMessageContaining("gcloud storage rm gs://kiln-images/hello.tar.gz");
    }

    @Test
    void aMissingBucketIsAClearErrorAndNoSessionIsLeft() {
        assertThatThrownBy(() -> upload(clients, "no-such-bucket"))
                .isInstanceOf(KilnException.class).hasMessageContaining("bucket no-such-bucket does not exist");

        assertThat(gcs.openSessions()).isZero();
    }
}
