package dev.kiln.azure;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.blob.specialized.PageBlobClient;
import com.azure.storage.common.StorageSharedKeyCredential;
import org.junit.jupiter.api.Assumptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Azurite blob service (npm azurite 3.35.0, installed by ./test into .test-tools/npm) on 127.0.0.1, in
 * memory, started and stopped by the test. A missing Azurite is a visible assumption.
 */
final class Azurite implements AutoCloseable {

    static final String ACCOUNT = "devstoreaccount1";
    /** Azurite's well-known development key (public, documented). */
    static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private final Process process;
    final int port;

    private Azurite(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static Optional<Path> binary() {
        String override = System.getenv("KILN_AZURITE_BLOB");
        if (override != null) {
            return Optional.of(Path.of(override)).filter(Files::isExecutable);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path bin = dir.resolve(".test-tools/npm/node_modules/.bin/azurite-blob");
            if (Files.isExecutable(bin)) {
                return Optional.of(bin);
            }
        }
        return Optional.empty();
    }

    static Azurite start(Path dir) throws Exception {
        Optional<Path> bin = binary();
        Assumptions.assumeTrue(bin.isPresent(), "Azurite is not installed: run ./test (it runs 'npm install --prefix "
                + ".test-tools/npm azurite@3.35.0'; needs the Debian package nodejs and npm) or set KILN_AZURITE_BLOB");
        Process p = new ProcessBuilder(bin.get().toString(), "--blobHost", "127.0.0.1", "--blobPort", "0",
                "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--disableTelemetry")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            Pattern listening = Pattern.compile("listens on http://127\\.0\\.0\\.1:(\\d+)");
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    Matcher m = listening.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
                port.completeExceptionally(new IOException("Azurite exited before listening"));
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
        }, "azurite-output");
        reader.setDaemon(true);
        reader.start();
        try {
            return new Azurite(p, port.get(60, TimeUnit.SECONDS));
        } catch (Exception e) {
            p.destroyForcibly();
            throw e;
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    BlobContainerClient container(String name) {
        BlobContainerClient c = new BlobServiceClientBuilder().endpoint(endpoint())
                .credential(new StorageSharedKeyCredential(ACCOUNT, KEY)).buildClient().getBlobContainerClient(name);
        if (!c.exists()) {
            c.create();
        }
        return c;
    }

    /** A page blob of {@code size} bytes, as Azure makes one behind a disk created for upload. */
    PageBlobClient pageBlob(String container, String name, long size) {
        PageBlobClient blob = container(container).getBlobClient(name).getPageBlobClient();
        blob.create(size, true);
        return blob;
    }

    /** A write SAS of the shape grant-access returns (sp=w on one blob). */
    static String writeSas(PageBlobClient blob) {
        return blob.generateSas(new BlobServiceSasSignatureValues(OffsetDateTime.now().plusHours(2),
                new BlobSasPermission().setWritePermission(true)));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
