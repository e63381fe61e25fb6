package dev.kiln.spi.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Requests through the HTTP proxy the JVM's ProxySelector names, against a proxy that answers itself. */
class RouteTest {

    private final ServerSocket proxy = new ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress());

    RouteTest() throws IOException {
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
    }

    private static ProxySelector always(Proxy chosen) {
        return new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                return List.of(chosen);
            }

            @Override
            public void connectFailed(URI uri, SocketAddress address, IOException e) {
            }
        };
    }

    private Http1Client throughProxy() throws Exception {
        Proxy http = new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", proxy.getLocalPort()));
        return new Http1Client(javax.net.ssl.SSLContext.getDefault(), always(http));
    }

    /** Accepts one connection, returns the head the client sent and answers {@code answer}. */
    private CompletableFuture<String> proxyAnswering(String answer) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket s = proxy.accept()) {
                s.setSoTimeout(10_000);
                String head = head(s.getInputStream());
                OutputStream out = s.getOutputStream();
                out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                return head;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aPlainRequestGoesToTheProxyWithItsWholeUri() throws Exception {
        CompletableFuture<String> seen = proxyAnswering("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");

        try (Http1Client client = throughProxy()) {
            HttpAnswer answer = client.send(HttpCall.of("GET", URI.create("http://storage.example:8080/b/o?alt=json"),
                    Duration.ofSeconds(10)));

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("hello");
        }
        assertThat(seen.get(10, TimeUnit.SECONDS)).startsWith("GET http://storage.example:8080/b/o?alt=json HTTP/1.1\r\n")
                .contains("\r\nHost: storage.example:8080\r\n");
    }

    @Test
    void anHttpsRequestAsksTheProxyForATunnelAndARefusalIsAClearError() throws Exception {
        CompletableFuture<String> seen = proxyAnswering(
                "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n");

        try (Http1Client client = throughProxy()) {
            assertThatThrownBy(() -> client.send(HttpCall.of("PUT", URI.create("https://storage.googleapis.com/upload"),
                    Duration.ofSeconds(10)).body(HttpBody.of("secret bytes"))))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("the proxy 127.0.0.1:" + proxy.getLocalPort()
                            + " answered 'HTTP/1.1 407 Proxy Authentication Required' to CONNECT storage.googleapis.com:443")
                    .hasMessageContaining("kiln sends no proxy credentials");
        }
        assertThat(seen.get(10, TimeUnit.SECONDS))
                .isEqualTo("CONNECT storage.googleapis.com:443 HTTP/1.1\r\nHost: storage.googleapis.com:443\r\n\r\n")
                .as("nothing of the request leaves before the tunnel is up").doesNotContain("secret");
    }

    @Test
    void aSocksProxyIsRefusedWithWhatToSetInstead() throws Exception {
        Proxy socks = new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", proxy.getLocalPort()));
        try (Http1Client client = new Http1Client(javax.net.ssl.SSLContext.getDefault(), always(socks))) {
            assertThatThrownBy(() -> client.send(HttpCall.of("GET", URI.create("https://storage.googleapis.com/"),
                    Duration.ofSeconds(10))))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("kiln uploads only through HTTP proxies (https.proxyHost)");
        }
    }
}
