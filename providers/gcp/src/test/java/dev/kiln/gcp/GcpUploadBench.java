package dev.kiln.gcp;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import dev.kiln.core.Events;
import dev.kiln.disk.DiskFormat;
import dev.kiln.disk.DiskImages;
import dev.kiln.disk.DiskSource;
import dev.kiln.disk.WriteOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.Optional;

/**
 * Entry points for bench/gcp-upload.sh (not a test): {@code serve} runs the resumable-upload fake
 * in counting mode, {@code convert} writes the gcp tar.gz of a raw disk, {@code upload} pushes a
 * file through kiln's upload path (the Storage client, CRC32C check) and prints the throughput.
 */
public final class GcpUploadBench {

    private GcpUploadBench() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "serve" -> serve();
            case "convert" -> convert(Path.of(args[1]), Path.of(args[2]));
            case "upload" -> upload(args[1], Path.of(args[2]), Integer.parseInt(args[3]));
            default -> throw new IllegalArgumentException("serve | convert RAW OUT | upload ENDPOINT FILE CHUNK_MIB");
        }
    }

    private static void serve() throws Exception {
        FakeGcsServer server = new FakeGcsServer(false);
        server.buckets.add("bench");
        System.out.println(server.endpoint());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void convert(Path raw, Path out) throws Exception {
        try (DiskSource disk = DiskImages.open(raw)) {
            DiskImages.write(DiskFormat.GCP_TAR_GZ, disk, out, WriteOptions.defaults(), Events.none());
        }
    }

    private static void upload(String endpoint, Path file, int chunkMib) throws Exception {
        GoogleCredentials token = GoogleCredentials.create(new AccessToken("bench", new Date(Long.MAX_VALUE / 2)));
        GcpAccount account = new GcpAccount(token, "bench", "bench");
        Remote remote = new Remote(Backoff.DEFAULT, Sleeper.REAL, Events.none());
        String object = "bench-" + System.nanoTime() + ".tar.gz";
        try (GcpClients clients = new GcpClients(account, Optional.of(endpoint), Optional.empty(), Backoff.DEFAULT,
                chunkMib << 20)) {
            clients.storage();
            long start = System.nanoTime();
            new UploadObject(clients.storage(), clients.chunkSize(), remote, Events.none())
                    .upload(file, "bench", object, "sha256:bench");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            double mbps = Files.size(file) / 1e6 / (took.toNanos() / 1e9);
            System.out.printf("%.3f s %.1f MB/s%n", took.toNanos() / 1e9, mbps);
        }
    }
}
