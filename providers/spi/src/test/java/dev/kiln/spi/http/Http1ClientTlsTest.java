package dev.kiln.spi.http;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * https with certificates made by the JDK's keytool: the body arrives intact through the TLS path,
 * connections are kept, and an untrusted certificate or one for another name ends the call.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Http1ClientTlsTest {

    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    static Path keys;
    private static Path localhost;
    private static Path other;

    private HttpsServer jdkServer;
    private RawServer raw;
    private Http1Client client;

    @BeforeAll
    static void makeCertificates() throws Exception {
        localhost = keytool("localhost", "dns:localhost,ip:127.0.0.1");
        other = keytool("other", "dns:other.example");
    }

    @AfterEach
    void stop() throws IOException {
        if (client != null) {
            client.close();
        }
        if (jdkServer != null) {
            jdkServer.stop(0);
        }
        if (raw != null) {
            raw.close();
        }
    }

    private static Path keytool(String name, String san) throws IOException, InterruptedException {
        Path store = keys.resolve(name + ".p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + name, "-ext", "san=" + san, "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();
        return store;
    }

    private static KeyStore load(Path store) throws IOException, GeneralSecurityException {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, PASSWORD);
        }
        return keyStore;
    }

    private static SSLContext serving(Path store) throws IOException, GeneralSecurityException {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(load(store), PASSWORD);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        return tls;
    }

    /** A client context that trusts the one certificate in {@code store} and nothing else. */
    private static SSLContext trusting(Path store) throws IOException, GeneralSecurityException {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        trusted.setCertificateEntry("server", load(store).getCertificate("server"));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        return tls;
    }

    private int httpsServer(Path store, List<Integer> ports) throws Exception {
        jdkServer = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        jdkServer.setHttpsConfigurator(new HttpsConfigurator(serving(store)));
        jdkServer.createContext("/", exchange -> {
            ports.add(exchange.getRemoteAddress().getPort());
            TestBodies.answerDigest(exchange);
        });
        jdkServer.start();
        return jdkServer.getAddress().getPort();
    }

    private RawServer rawTls(RawServer.Script script) throws Exception {
        raw = RawServer.over(serving(localhost).getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress()), script);
        return raw;
    }

    @Test
    void sendsALargeBodyIntactAndKeepsTheConnection(@TempDir Path dir) throws Exception {
        Path file = TestBodies.randomFile(dir, (5 << 20) + 7);
        List<Integer> ports = new CopyOnWriteArrayList<>();
        URI uri = URI.create("https://localhost:" + httpsServer(localhost, ports) + "/bucket/object");
        client = new Http1Client(trusting(localhost));

        HttpAnswer large = client.send(HttpCall.of("PUT", uri, TIMEOUT).body(TestBodies.mapped(file, 1 << 20)));
        HttpAnswer small = client.send(HttpCall.of("PUT", uri, TIMEOUT).body(HttpBody.of("small")));
        HttpAnswer heap = client.send(HttpCall.of("PUT", uri, TIMEOUT).body(HttpBody.of(Files.readAllBytes(file))));

        assertThat(large.body()).isEqualTo(TestBodies.sha256(file));
        assertThat(small.body()).isEqualTo(TestBodies.sha256(new java.io.ByteArrayInputStream("small".getBytes())));
        assertThat(heap.body()).isEqualTo(large.body());
        assertThat(ports).hasSize(3).containsOnly(ports.get(0));
    }

    @Test
    void anHttpsCallThroughAProxyGoesThroughATunnelTheProxyCannotRead(@TempDir Path dir) throws Exception {
        Path file = TestBodies.randomFile(dir, (3 << 20) + 5);
        int target = httpsServer(localhost, new CopyOnWriteArrayList<>());
        java.net.ServerSocket proxy = new java.net.ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        java.util.concurrent.CompletableFuture<String> asked = tunnel(proxy, target);
        java.net.Proxy http = new java.net.Proxy(java.net.Proxy.Type.HTTP,
                new InetSocketAddress("127.0.0.1", proxy.getLocalPort()));
        client = new Http1Client(trusting(localhost), new java.net.ProxySelector() {
            @Override
            public List<java.net.Proxy> select(URI uri) {
                return List.of(http);
            }

            @Override
            public void connectFailed(URI uri, java.net.SocketAddress address, IOException e) {
            }
        });

        try (proxy) {
            HttpAnswer answer = client.send(HttpCall.of("PUT", URI.create("https://localhost:" + target + "/o"), TIMEOUT)
                    .body(TestBodies.mapped(file, 1 << 20)));

            assertThat(answer.body()).isEqualTo(TestBodies.sha256(file));
            assertThat(asked.get(10, TimeUnit.SECONDS)).startsWith("CONNECT localhost:" + target + " HTTP/1.1\r\n");
        }
    }

    /**
     * A CONNECT proxy for one connection: hands over the request head it got, answers 200, then copies
     * bytes both ways until either side closes (RFC 9110 9.3.6).
     */
    private static java.util.concurrent.CompletableFuture<String> tunnel(java.net.ServerSocket proxy, int target) {
        java.util.concurrent.CompletableFuture<String> asked = new java.util.concurrent.CompletableFuture<>();
        Thread pipe = new Thread(() -> {
            try (java.net.Socket client = proxy.accept(); java.net.Socket server = new java.net.Socket(
                    InetAddress.getLoopbackAddress(), target)) {
                StringBuilder head = new StringBuilder();
                InputStream in = client.getInputStream();
                while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
                    head.append((char) in.read());
                }
                asked.complete(head.toString());
                client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                Thread back = new Thread(() -> copy(server, client));
                back.setDaemon(true);
                back.start();
                copy(client, server);
            } catch (IOException e) {
                asked.completeExceptionally(e);
            }
        });
        pipe.setDaemon(true);
        pipe.start();
        return asked;
    }

    private static void copy(java.net.Socket from, java.net.Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            // one side closed: the tunnel is over
        }
    }

    @Test
    void theJdksOwnTrustRefusesASelfSignedCertificate() throws Exception {
        URI uri = URI.create("https://localhost:" + httpsServer(localhost, new CopyOnWriteArrayList<>()) + "/");
        client = new Http1Client();

        assertThatThrownBy(() -> client.send(HttpCall.of("GET", uri, TIMEOUT)))
                .isInstanceOf(IOException.class).hasMessageStartingWith("GET localhost/: ")
                .hasCauseInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void aTrustedCertificateForAnotherNameIsRefused() throws Exception {
        int port = httpsServer(other, new CopyOnWriteArrayList<>());
        client = new Http1Client(trusting(other));

        for (String host : List.of("127.0.0.1", "localhost")) {
            assertThatThrownBy(() -> client.send(HttpCall.of("GET", URI.create("https://" + host + ":" + port + "/"),
                    TIMEOUT)))
                    .as(host).isInstanceOf(IOException.class).hasCauseInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void doesNotReuseAnIdleConnectionTheServerClosed() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        rawTls((c, i) -> {
            c.read();
            c.write("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + i);
            if (i == 0) {
                c.close();
                closed.countDown();
            }
        });
        client = new Http1Client(trusting(localhost));
        URI uri = URI.create("https://localhost:" + raw.port() + "/");

        assertThat(client.send(HttpCall.of("GET", uri, TIMEOUT)).body()).isEqualTo("0");
        assertThat(RawServer.await(closed)).isTrue();
        Thread.sleep(200); // lets the server's close_notify and FIN reach the client's socket

        assertThat(client.send(HttpCall.of("GET", uri, TIMEOUT)).body()).isEqualTo("1");
        assertThat(raw.connections()).isEqualTo(2);
    }

    @Test
    void aServerThatStopsReadingABigBodyEndsInATimeout() throws Exception {
        rawTls((c, i) -> c.hold());
        client = new Http1Client(trusting(localhost));

        long start = System.nanoTime();
        assertThatThrownBy(() -> client.send(HttpCall.of("PUT", URI.create("https://localhost:" + raw.port() + "/x"),
                Duration.ofMillis(500)).body(TestBodies.mebibytes(64))))
                .isInstanceOf(SocketTimeoutException.class)
                .hasMessage("PUT localhost/x: nothing was sent or received for 0.5 s");
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(10));
    }

    @Test
    void anInterruptEndsACallWaitingForAnAnswerAndClosesItsConnection() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        rawTls((c, i) -> {
            c.read();
            asked.countDown();
            if (c.clientCloses()) {
                closed.countDown();
            }
        });
        client = new Http1Client(trusting(localhost));

        Http1ClientDeadlineTest.Blocked call = Http1ClientDeadlineTest.Blocked.start(client,
                HttpCall.of("GET", URI.create("https://localhost:" + raw.port() + "/wait"), Duration.ofMinutes(5)));
        assertThat(RawServer.await(asked)).isTrue();
        call.interruptAndJoin();

        assertThat(call.failure.get()).isInstanceOf(InterruptedException.class)
                .hasMessage("GET localhost/wait was interrupted");
        assertThat(RawServer.await(closed)).isTrue();
    }
}
