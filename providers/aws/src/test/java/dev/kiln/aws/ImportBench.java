package dev.kiln.aws;

import dev.kiln.spi.Provider;
import dev.kiln.spi.PushRequest;
import dev.kiln.testkit.ProviderHarness;

import java.nio.file.Path;

/**
 * bench/aws-import.sh: {@code IMAGE EC2_URL S3_URL} runs {@code push aws --method import-snapshot}
 * in this JVM against {@link ImportBenchStub} with a given digest, so the figure is convert + upload +
 * import calls alone, without the CLI's start-up and whole-file SHA-256 of the image.
 */
public final class ImportBench {

    private ImportBench() {
    }

    public static void main(String[] args) throws Exception {
        ProviderHarness h = EbsBench.harness().flag("endpoint-url", args[1]).flag("endpoint-url-s3", args[2])
                .flag("method", "import-snapshot").flag("bucket", "bench").flag("keep-object", "true");
        long start = System.nanoTime();
        try (Provider p = new AwsProviderFactory().create(h.pushContext())) {
            p.push(PushRequest.of(Path.of(args[0]), dev.kiln.api.ImageFormat.AWS, "inproc", "sha256:" + "0".repeat(64)));
        }
        System.out.printf("push seconds=%.3f%n", (System.nanoTime() - start) / 1e9);
    }
}
