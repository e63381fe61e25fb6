package dev.kiln.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** kiln serve: GET, HEAD, ranges, 404 and the access log, then Ctrl-C stops it with exit code 0. */
class ServeCommandTest {

    @TempDir
    Path tmp;

    @Test
    void servesFilesWithRangesAndHeadLogsEachRequestAndStopsOnCtrlC() throws Exception {
        Files.writeString(tmp.resolve("hello-equinixmetal.ipxe"), "#!ipxe\nboot\n");
        Files.writeString(tmp.resolve("hello-kernel"), "0123456789");
        Stderr err = new Stderr();
        CompletableFuture<Interrupts> interrupts = new CompletableFuture<>();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread worker = new Thread(() -> {
            try {
                Session session = Session.of(new ByteArrayOutputStream(), err, Map.of("TERM", "dumb"), interrupts.get());
                exit.complete(Kiln.execute(new String[] {"serve", tmp.toString(), "--listen", "127.0.0.1:0"}, session));
            } catch (Exception e) {
                exit.completeExceptionally(e);
            }
        });
        interrupts.complete(new Interrupts(worker));
        worker.start();
        String base = baseUrl(err);
        HttpClient http = HttpClient.newHttpClient();

        HttpResponse<String> script = http.send(HttpRequest.newBuilder(URI.create(base + "hello-equinixmetal.ipxe")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> range = http.send(HttpRequest.newBuilder(URI.create(base + "hello-kernel"))
                .header("Range", "bytes=2-5").build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> suffix = http.send(HttpRequest.newBuilder(URI.create(base + "hello-kernel"))
                .header("Range", "bytes=-3").build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<Void> head = http.send(HttpRequest.newBuilder(URI.create(base + "hello-kernel"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(base + "../etc/passwd")).build(),
                HttpResponse.BodyHandlers.ofString());
        interrupts.get().onSignal(new PrintStream(new ByteArrayOutputStream()), code -> { });

        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.body()).isEqualTo("#!ipxe\nboot\n");
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo("2345");
        assertThat(range.headers().firstValue("Content-Range")).contains("bytes 2-5/10");
        assertThat(suffix.body()).isEqualTo("789");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Length")).contains("10");
        assertThat(missing.statusCode()).isEqualTo(404);
        String log = err.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("\"GET /hello-equinixmetal.ipxe\" 200 12", "\"GET /hello-kernel\" 206 4",
                "\"HEAD /hello-kernel\" 200 0", "stopped serving");
    }

    private static String baseUrl(Stderr err) throws InterruptedException {
        assertThat(err.serving.await(60, TimeUnit.SECONDS)).as("kiln serve started: %s", err).isTrue();
        Matcher m = Pattern.compile("at (http://127\\.0\\.0\\.1:\\d+/)").matcher(err.toString(StandardCharsets.UTF_8));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    /** stderr that opens a latch once the server says where it listens. */
    private static final class Stderr extends ByteArrayOutputStream {
        final CountDownLatch serving = new CountDownLatch(1);

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            super.write(b, off, len);
            if (toString(StandardCharsets.UTF_8).contains("(Ctrl-C stops)")) {
                serving.countDown();
            }
        }
    }
}
