package dev.kiln.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.specialized.PageBlobClient;
import com.azure.storage.common.StorageSharedKeyCredential;
import dev.kiln.api.DiskSource;
import dev.kiln.api.ImageFormat;
import dev.kiln.spi.ProviderContext;
import dev.kiln.testkit.ProviderHarness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * B5 (bench/azure-page-blob.sh): kiln's page upload of a fixed VHD to a page blob against the SDK's
 * {@code uploadFromFile} of the whole file, both to the same Azurite. Not a test.
 * <pre>
 *   vhd RAW OUT                            a fixed VHD of RAW, written by kiln's core
 *   kiln VHD ENDPOINT CONTAINER BLOB N     PageUpload with N workers; prints "seconds body_bytes pages read_bytes"
 *   peer VHD ENDPOINT CONTAINER BLOB       BlobClient.uploadFromFile (the SDK's parallel whole-file upload);
 *                                          prints "seconds body_bytes read_bytes"
 * </pre>
 * read_bytes: what the JVM read through read(2)-like calls during the upload (/proc/self/io rchar, from just
 * before the upload to its end): the VHD's bytes read, plus any class files loaded meanwhile (an upper bound).
 */
public final class AzurePageBench {

    private AzurePageBench() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("kiln-b5");
        ProviderHarness harness = new ProviderHarness(new AzureProviderFactory(), work);
        ProviderContext context = harness.pushContext();
        switch (args[0]) {
            case "vhd" -> {
                try (DiskSource source = context.conversions().open(Path.of(args[1]))) {
                    context.conversions().write(source, ImageFormat.VHD, Path.of(args[2]), "bench",
                            harness.events().as("bench"));
                }
            }
            case "kiln" -> {
                HttpClient http = new JdkHttpClientBuilder().build();
                long r0 = rchar();
                long t0 = System.nanoTime();
                AzureDisk disk = AzureDisk.open(context.conversions(), Path.of(args[1]), ImageFormat.VHD, work,
                        "bench", harness.events().as("bench"));
                PageBlobClient blob = container(args[2], args[3], http).getBlobClient(args[4]).getPageBlobClient();
                blob.create(disk.size(), true);
                PageUpload.Stats stats = new PageUpload(http, context.retry().classifier(AzureErrors::classify)
                        .build(), context.cancel(), harness.events().as("bench"), Integer.parseInt(args[5]))
                        .upload(blob, disk, List.of());
                System.out.println((System.nanoTime() - t0) / 1e9 + " " + stats.bytes() + " " + stats.pages() + " "
                        + (rchar() - r0));
            }
            case "peer" -> {
                HttpClient http = new JdkHttpClientBuilder().build();
                long r0 = rchar();
                long t0 = System.nanoTime();
                container(args[2], args[3], http).getBlobClient(args[4]).uploadFromFile(args[1], true);
                System.out.println((System.nanoTime() - t0) / 1e9 + " " + Files.size(Path.of(args[1])) + " "
                        + (rchar() - r0));
            }
            default -> throw new IllegalArgumentException("vhd | kiln | peer, not " + args[0]);
        }
        System.exit(0);
    }

    /** Bytes this process has read through read(2) and its kin so far (Linux /proc/self/io). */
    private static long rchar() throws java.io.IOException {
        return Files.readAllLines(Path.of("/proc/self/io")).stream().filter(l -> l.startsWith("rchar:"))
                .mapToLong(l -> Long.parseLong(l.substring(6).trim())).findFirst().orElse(-1);
    }

    private static BlobContainerClient container(String endpoint, String name, HttpClient http) {
        BlobContainerClient c = new BlobServiceClientBuilder().endpoint(endpoint).httpClient(http)
                .credential(new StorageSharedKeyCredential(Azurite.ACCOUNT, Azurite.KEY)).buildClient()
                .getBlobContainerClient(name);
        c.createIfNotExists();
        return c;
    }
}
