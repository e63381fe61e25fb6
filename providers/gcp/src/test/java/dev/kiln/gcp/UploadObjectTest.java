package dev.kiln.gcp;

import dev.kiln.testkit.FakeTime;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import dev.kiln.api.Event;
import dev.kiln.api.KilnException;
import dev.kiln.testkit.RecordingEvents;
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

/** kiln's resumable upload against the protocol fake, one fault at a time; 1 MiB chunks. */
class UploadObjectTest {

    private static final String BUCKET = "kiln-images";
    private static final String OBJECT = "hello.tar.gz";
    private static final int CHUNK = 1 << 20;

    @TempDir
    Path tmp;

    private final FakeGcsServer gcs = new FakeGcsServer(true);
    private final FakeTime time = new FakeTime();
    private final RecordingEvents events = new RecordingEvents();
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
        GoogleCredentials token = GoogleCredentials.newBuilder()
                .setAccessToken(new AccessToken("ya29.upload-test", new Date(System.currentTimeMillis() + 3_600_000)))
                .setQuotaProjectId("kiln-billing").build();
        clients = new GcpClients(new GcpAccount(token, "kiln-test", "test"), Optional.of(gcs.endpoint()),
                Optional.empty(), CHUNK);
    }

    @AfterEach
    void stop() {
        clients.close();
        gcs.close();
    }

    private UploadedObject upload() throws InterruptedException {
        return upload(CHUNK);
    }

    private UploadedObject upload(int chunk) throws InterruptedException {
        var e = events.as("gcp");
        return new UploadObject(clients.storageHttp(), chunk, GcpFake.calls(time, e), e)
                .upload(file, BUCKET, OBJECT, "sha256:0123");
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
        assertThat(events.all()).anyMatch(e -> e instanceof Event.Progress p && p.done() == size && p.total() == size);
    }

    @Test
    void chunkSizeZeroSendsTheWholeFileInOneRequestWithProgressOnTheWay() throws Exception {
        upload(0);

        assertStoredIntact();
        assertThat(uploadRequests()).containsExactly(
                "POST /upload/storage/v1/b/kiln-images/o ",
                "PUT /upload/storage/v1/b/kiln-images/o bytes 0-" + (size - 1) + "/" + size);
        assertThat(events.all()).as("progress while the one request is being sent")
                .anyMatch(e -> e instanceof Event.Progress p && p.done() == 2 << 20 && p.total() == size);
    }

    @Test
    void aFaultInTheOneRequestResumesWithTheRestInOneRequest() throws Exception {
        gcs.failPutOnce(1, (2 << 20) + 4096);

        upload(0);

        assertStoredIntact();
        long committed = (2 << 20) + 4096;
        assertThat(uploadRequests()).containsExactly(
                "POST /upload/storage/v1/b/kiln-images/o ",
                "PUT /upload/storage/v1/b/kiln-images/o bytes 0-" + (size - 1) + "/" + size,
                "PUT /upload/storage/v1/b/kiln-images/o bytes */" + size,
                "PUT /upload/storage/v1/b/kiln-images/o bytes " + committed + "-" + (size - 1) + "/" + size);
    }

    @Test
    void everyUploadRequestCarriesTheBearerTokenAndTheQuotaProject() throws Exception {
        upload();

        List<java.util.Map<String, String>> sent = gcs.headers.subList(gcs.headers.size() - 5, gcs.headers.size());
        assertThat(sent).allSatisfy(h -> {
            assertThat(h).containsEntry("authorization", "Bearer ya29.upload-test");
            assertThat(h).containsEntry("x-goog-user-project", "kiln-billing");
        });
    }

    @Test
    void aConnectionResetMidChunkResumesFromTheCommittedOffset() throws Exception {
        gcs.failPutOnce(2, 300 * 1024, FakeGcsServer.Fault.RESET);

        upload();

        assertStoredIntact();
        long committed = CHUNK + 300 * 1024;
        assertThat(uploadRequests()).contains("PUT /upload/storage/v1/b/kiln-images/o bytes */" + size,
                "PUT /upload/storage/v1/b/kiln-images/o bytes " + committed + "-" + (committed + CHUNK - 1) + "/*");
        assertThat(time.sleeps()).hasSize(1);
    }

    @Test
    void a503MidChunkResumesFromTheCommittedOffset() throws Exception {
        gcs.failPutOnce(3, 100 * 1024);

        upload();

        assertStoredIntact();
        assertThat(uploadRequests()).contains("PUT /upload/storage/v1/b/kiln-images/o bytes */" + size,
                "PUT /upload/storage/v1/b/kiln-images/o bytes " + (2 * CHUNK + 100 * 1024) + "-" + (size - 1) + "/" + size);
    }

    @Test
    void a308WithoutRangeMeansNothingWasCommittedAndRestartsAtZero() throws Exception {
        gcs.failPutOnce(1, 0, FakeGcsServer.Fault.SHORT_308);

        upload();

        assertStoredIntact();
        assertThat(uploadRequests()).filteredOn(r -> r.endsWith(" bytes 0-1048575/*")).hasSize(2);
        assertThat(uploadRequests()).noneMatch(r -> r.contains(" bytes */"));
    }

    @Test
    void a308ThatKeptPartOfAChunkContinuesFromItsRange() throws Exception {
        gcs.failPutOnce(2, 512 * 1024, FakeGcsServer.Fault.SHORT_308);

        upload();

        assertStoredIntact();
        long committed = CHUNK + 512 * 1024;
        assertThat(uploadRequests()).contains(
                "PUT /upload/storage/v1/b/kiln-images/o bytes " + committed + "-" + (committed + CHUNK - 1) + "/*");
        assertThat(time.sleeps()).as("progress was made, so no pause").isEmpty();
    }

    @Test
    void aChecksumMismatchIsAClearErrorAndTheObjectIsDeleted() {
        gcs.corruptNextUpload();

        assertThatThrownBy(this::upload).isInstanceOf(KilnException.class)
                .hasMessageContaining("Tried to upload hello.img.tar.gz to gs://kiln-images/hello.tar.gz")
                .hasMessageContaining("does not match the file").hasMessageContaining("CRC32C")
                .hasMessageContaining("it was deleted");

        assertThat(gcs.requests).contains("DELETE /storage/v1/b/kiln-images/o/hello.tar.gz ");
        assertThat(gcs.objects).isEmpty();
    }

    @Test
    void anInterruptMidChunkCancelsTheSession() throws Exception {
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
        pusher.interrupt();
        pusher.join(60_000);
        gcs.release.countDown();

        assertThat(pusher.isAlive()).isFalse();
        assertThat(failure.get()).isInstanceOf(InterruptedException.class);
        assertThat(gcs.requests).contains("DELETE /upload/storage/v1/b/kiln-images/o ");
        assertThat(gcs.cancelled).hasSize(1);
        assertThat(gcs.openSessions()).isZero();
        assertThat(gcs.objects).isEmpty();
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
        assertThatThrownBy(() -> new UploadObject(clients.storageHttp(), CHUNK,
                GcpFake.calls(time, events.as("gcp")), events.as("gcp"))
                .upload(file, "no-such-bucket", OBJECT, "sha256:0123"))
                .isInstanceOf(KilnException.class).hasMessageContaining("bucket no-such-bucket does not exist");

        assertThat(gcs.openSessions()).isZero();
    }
}
