package dev.kiln.aws;

import dev.kiln.api.Event;
import dev.kiln.api.Events;
import dev.kiln.disk.DiskImages;
import dev.kiln.api.DiskSource;
import dev.kiln.spi.Provider;
import dev.kiln.spi.PushRequest;
import dev.kiln.testkit.ProviderHarness;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * bench/aws-ebs-direct.sh: {@code prep IMAGE} times block preparation alone (read the data extents,
 * prove zero blocks, SHA-256 the rest, on all cores); {@code push IMAGE URL} runs a whole push
 * against {@link EbsBenchStub} and prints the uploader's own counters.
 */
public final class EbsBench {

    private EbsBench() {
    }

    public static void main(String[] args) throws Exception {
        Path image = Path.of(args[1]);
        if (args[0].equals("prep")) {
            prep(image, Integer.parseInt(args.length > 2 ? args[2] : "2"));
        } else {
            push(image, args[2]);
        }
    }

    private static void prep(Path image, int threads) throws Exception {
        try (DiskSource disk = DiskImages.open(image)) {
            long start = System.nanoTime();
            SnapshotBlocks blocks = new SnapshotBlocks((id, index, data, sha) -> { }, threads,
                    dev.kiln.api.CancelToken.create(), Events.none());
            UploadStats s = blocks.write(disk, "snap-prep", 524288);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("prep blocksRead=%d bytesRead=%d nonZeroBlocks=%d seconds=%.3f MBps=%.1f%n",
                    s.blocksRead(), s.bytesRead(), s.blocksSent(), seconds, s.bytesRead() / seconds / 1e6);
        }
    }

    /** Static example keys, no profile files, no metadata service, fast polls: only the given endpoints. */
    static ProviderHarness harness() throws java.io.IOException {
        Path work = Files.createTempDirectory("kiln-bench");
        return new ProviderHarness(new AwsProviderFactory(), work)
                .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE").env("AWS_SECRET_ACCESS_KEY", "bench")
                .env("AWS_EC2_METADATA_DISABLED", "true").env("AWS_REGION", "eu-west-1")
                .env("AWS_CONFIG_FILE", work.resolve("none").toString())
                .env("AWS_SHARED_CREDENTIALS_FILE", work.resolve("none").toString())
                .flag("poll-interval", "10ms");
    }

    private static void push(Path image, String url) throws Exception {
        ProviderHarness h = harness().flag("endpoint-url", url);
        long start = System.nanoTime();
        try (Provider p = new AwsProviderFactory().create(h.pushContext())) {
            p.push(PushRequest.of(image, dev.kiln.api.ImageFormat.AWS, "bench", "sha256:" + "0".repeat(64)));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        h.events().all().stream().filter(e -> e instanceof Event.Log l && l.message().startsWith("sent "))
                .forEach(e -> System.out.println("push " + ((Event.Log) e).message()));
        System.out.printf("push seconds=%.3f%n", seconds);
    }
}
