package dev.kiln.gcp;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import dev.kiln.api.Event;
import dev.kiln.api.Events;
import dev.kiln.api.CancelToken;
import dev.kiln.api.DiskSource;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.Retry;
import dev.kiln.api.Sleeper;
import dev.kiln.build.CoreConversions;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.nio.file.Files;
import java.security.KeyStore;
import java.nio.file.Path;
import java.util.Date;
import java.util.Optional;

/**
 * Entry points for bench/gcp-upload.sh (not a test): {@code serve} runs the resumable-upload fake
 * in counting mode, {@code convert} writes the gcp tar.gz of a raw disk, {@code upload} pushes a
 * file through kiln's upload path (google-cloud-storage's resumable upload, CRC32C check) and prints the throughput.
 */
public final class GcpUploadBench {

    private GcpUploadBench() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "serve" -> serve(args.length < 2 || args[1].equals("md5"), args.length > 2 ? Path.of(args[2]) : null);
            case "convert" -> convert(Path.of(args[1]), Path.of(args[2]));
            case "upload" -> upload(args[1], Path.of(args[2]), Integer.parseInt(args[3]),
                    args.length > 4 ? Integer.parseInt(args[4]) : 0);
            default -> throw new IllegalArgumentException(
                    "serve [md5|crc32c] [KEYSTORE.p12] | convert RAW OUT | upload ENDPOINT FILE CHUNK_MIB [WARM_UPS]");
        }
    }

    /** With a PKCS12 key store (password "benchkey") the server speaks https with its key. */
    private static void serve(boolean md5, Path keyStore) throws Exception {
        FakeGcsServer server = new FakeGcsServer(false, md5, keyStore == null ? null : tls(keyStore));
        server.buckets.add("bench");
        System.out.println(server.endpoint());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    private static SSLContext tls(Path keyStore) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keyStore)) {
            keys.load(in, "benchkey".toCharArray());
        }
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, "benchkey".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(managers.getKeyManagers(), null, null);
        return context;
    }

    private static void convert(Path raw, Path out) throws Exception {
        CoreConversions conversions = new CoreConversions();
        try (DiskSource disk = conversions.open(raw)) {
            conversions.write(disk, ImageFormat.GCP, out, "bench", Events.none());
        }
    }

    /**
     * Prints "TOTAL PUTS MB/s": TOTAL from the object lookup to the verified object (the HTTP client
     * is made before, as curl's start is not timed either), PUTS from the first data PUT to the last
     * answer, the part {@code curl -T} does (the session POST is outside both curl's and this time).
     */
    private static void upload(String endpoint, Path file, int chunkMib, int warmUps) throws Exception {
        GoogleCredentials token = GoogleCredentials.create(new AccessToken("bench", new Date(Long.MAX_VALUE / 2)));
        GcpAccount account = new GcpAccount(token, "bench", "bench");
        long size = Files.size(file);
        long[] puts = new long[2];
        Events events = new Events(e -> {
            if (e instanceof Event.Progress p && p.task().startsWith("upload ")) {
                puts[p.done() == 0 ? 0 : 1] = System.nanoTime();
            }
        }, "bench");
        CancelToken cancel = CancelToken.create();
        GcpCalls remote = new GcpCalls(Retry.builder().cancel(cancel), java.time.Clock.systemUTC(), Sleeper.on(cancel),
                cancel, events);
        String object = "bench-" + System.nanoTime() + ".tar.gz";
        try (GcpClients clients = new GcpClients(account, Optional.of(endpoint), Optional.empty(),
                chunkMib << 20)) {
            clients.storage();
            for (int r = 1; r <= warmUps; r++) {
                long t0 = System.nanoTime();
                new UploadObject(clients, remote, events)
                        .upload(file, "bench", object + r, "sha256:bench");
                System.err.printf("warm-up %d: %.3f %.3f%n", r, (System.nanoTime() - t0) / 1e9, (puts[1] - puts[0]) / 1e9);
            }
            long start = System.nanoTime();
            new UploadObject(clients, remote, events)
                    .upload(file, "bench", object, "sha256:bench");
            double took = (System.nanoTime() - start) / 1e9;
            System.out.printf("%.3f %.3f %.1f%n", took, (puts[1] - puts[0]) / 1e9, size / 1e6 / took);
        }
    }
}
