package dev.kiln.spi.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What goes on the wire and what comes back: request heads and bodies, answer framing, keep-alive, bad input. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Http1ClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final Http1Client client = new Http1Client();
    private HttpServer jdkServer;
    private RawServer raw;

    @AfterEach
    void stop() throws IOException {
        client.close();
        if (jdkServer != null) {
            jdkServer.stop(0);
        }
        if (raw != null) {
            raw.close();
        }
    }

    private URI jdkServer(com.sun.net.httpserver.HttpHandler handler) throws IOException {
        jdkServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        jdkServer.createContext("/", handler);
        jdkServer.start();
        return URI.create("http://127.0.0.1:" + jdkServer.getAddress().getPort());
    }

    private HttpAnswer get(String path) throws Exception {
        return client.send(HttpCall.of("GET", raw.uri(path), TIMEOUT));
    }

    @Test
    void putsALargeBodyOfMappedSlicesByteForByteWithItsHeaders(@TempDir Path dir) throws Exception {
        Path file = TestBodies.randomFile(dir, (6 << 20) + 12_345);
        AtomicReference<Headers> seen = new AtomicReference<>();
        URI base = jdkServer(exchange -> {
            seen.set(exchange.getRequestHeaders());
            TestBodies.answerDigest(exchange);
        });

        HttpAnswer answer = client.send(HttpCall.of("PUT", base.resolve("/bucket/object%2Fname?upload=1"), TIMEOUT)
                .header("Content-Type", "application/octet-stream")
                .header("x-goog-meta-kiln", "disk image")
                .header("Content-Length", "1")
                .header("Host", "elsewhere.example")
                .body(TestBodies.mapped(file, 100_003)));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(TestBodies.sha256(file));
        Headers headers = seen.get();
        assertThat(headers.get("Content-Length")).containsExactly(String.valueOf((6 << 20) + 12_345));
        assertThat(headers.get("Host")).containsExactly("127.0.0.1:" + base.getPort());
        assertThat(headers.get("Content-Type")).containsExactly("application/octet-stream");
        assertThat(headers.get("X-goog-meta-kiln")).containsExactly("disk image");
        assertThat(headers.get("User-Agent")).singleElement().asString().startsWith("kiln/");
    }

    @Test
    void sendsTheRequestTargetWithItsQueryAndACallersUserAgent() throws Exception {
        raw = RawServer.plain((c, i) -> {
            c.read();
            c.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        });

        client.send(HttpCall.of("DELETE", raw.uri("/o/a%2Fb?x=1&y=%20"), TIMEOUT).header("user-agent", "mine/1"));

        RawServer.Request request = raw.requests().get(0);
        assertThat(request.method()).isEqualTo("DELETE");
        assertThat(request.target()).isEqualTo("/o/a%2Fb?x=1&y=%20");
        assertThat(request.header("User-Agent")).containsExactly("mine/1");
        assertThat(request.header("Content-Length")).isEmpty();
    }

    @Test
    void readsStatusAndRepeatedHeadersIgnoringCase() throws Exception {
        raw = RawServer.plain((c, i) -> {
            c.read();
            c.write("HTTP/1.1 308 Resume Incomplete\r\nSet-Cookie: a=1\r\nRange: bytes=0-99\r\n"
                    + "set-cookie:b=2\r\nContent-Length: 5\r\n\r\nhello");
        });

        HttpAnswer answer = get("/");

        assertThat(answer.status()).isEqualTo(308);
        assertThat(answer.header("RANGE")).contains("bytes=0-99");
        assertThat(answer.header("range")).contains("bytes=0-99");
        assertThat(answer.headers().get("Set-Cookie")).containsExactly("a=1", "b=2");
        assertThat(answer.header("Location")).isEmpty();
        assertThat(answer.body()).isEqualTo("hello");
    }

    @Test
    void readsAChunkedBodyWithAnExtensionAndATrailerAndKeepsTheConnection() throws Exception {
        raw = RawServer.plain((c, i) -> {
            c.read();
            c.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"
                    + "6;name=\"value\"\r\n{\"a\": \r\nA\r\n\"chunked\"}\r\n0\r\nX-Checksum: crc32c=abc\r\n\r\n");
            c.read();
            c.write("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext");
            c.hold();
        });

        assertThat(get("/first").body()).isEqualTo("{\"a\": \"chunked\"}");
        assertThat(get("/second").body()).isEqualTo("next");
        assertThat(raw.connections()).isEqualTo(1);
    }

    @Test
    void readsABodyThatEndsWithTheConnectionAndThenOpensANewOne() throws Exception {
        raw = RawServer.plain((c, i) -> {
            c.read();
            c.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end " + i);
        });

        assertThat(get("/").body()).isEqualTo("until the end 0");
        assertThat(get("/").body()).isEqualTo("until the end 1");
        assertThat(raw.connections()).isEqualTo(2);
    }

    @Test
    void skipsA100ContinueBeforeTheRealAnswer() throws Exception {
        raw = RawServer.plain((c, i) -> {
            c.read();
            c.write("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\nX-Step: 1\r\n\r\n"
                    + "HTTP/1.1 201 Created\r\nContent-Length: 7\r\n\r\ncreated");
        });

        HttpAnswer answer = client.send(HttpCall.of("POST", raw.uri("/"), TIMEOUT).body(HttpBody.of("{}")));

        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.body()).isEqualTo("created");
        assertThat(answer.header("X-Step")).isEmpty();
        assertThat(raw.requests().get(0).body()).asString().isEqualTo("{}");
    }

    @Test
    void headAndNoContentAnswersHaveNoBodyAndLeaveTheConnectionInStep() throws Exception {
        raw = RawServer.plain((c, i) -> {
            c.read();
            c.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
            c.read();
            c.write("HTTP/1.1 204 No Content\r\n\r\n");
            c.read();
            c.write("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nlast");
            c.hold();
        });

        HttpAnswer head = client.send(HttpCall.of("HEAD", raw.uri("/"), TIMEOUT));
        HttpAnswer deleted = client.send(HttpCall.of("DELETE", raw.uri("/"), TIMEOUT));
        HttpAnswer last = get("/");

        assertThat(head.header("content-length")).contains("1000");
        assertThat(head.body()).isEmpty();
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        assertThat(last.body()).isEqualTo("last");
        assertThat(raw.connections()).isEqualTo(1);
    }

    @Test
    void reusesOneConnectionForCallsToTheSameOrigin() throws Exception {
        List<Integer> ports = new CopyOnWriteArrayList<>();
        URI base = jdkServer(exchange -> {
            ports.add(exchange.getRemoteAddress().getPort());
            TestBodies.answerDigest(exchange);
        });

        for (int i = 0; i < 3; i++) {
            HttpAnswer answer = client.send(HttpCall.of("PUT", base.resolve("/" + i), TIMEOUT)
                    .body(HttpBody.of("call " + i)));
            assertThat(answer.status()).isEqualTo(200);
        }

        assertThat(ports).hasSize(3);
        assertThat(ports).containsOnly(ports.get(0));
    }

    @Test
    void opensANewConnectionAfterAConnectionCloseAnswer() throws Exception {
        raw = RawServer.plain((c, i) -> {
            while (c.read() != null) {
                c.write("HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 1\r\n\r\n" + i);
            }
        });

        assertThat(get("/").body()).isEqualTo("0");
        assertThat(get("/").body()).isEqualTo("1");
        assertThat(raw.connections()).isEqualTo(2);
    }

    @Test
    void doesNotReuseAnIdleConnectionTheServerClosed() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        raw = RawServer.plain((c, i) -> {
            c.read();
            c.write("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + i);
            if (i == 0) {
                c.close();
                closed.countDown();
            }
        });

        assertThat(get("/").body()).isEqualTo("0");
        assertThat(RawServer.await(closed)).isTrue();
        Thread.sleep(200); // lets the server's FIN reach the client's socket

        assertThat(get("/").body()).isEqualTo("1");
        assertThat(raw.connections()).isEqualTo(2);
    }

    @Test
    void headerRefusesWhatWouldBreakTheRequestHead() {
        HttpCall call = HttpCall.of("GET", URI.create("http://127.0.0.1/"), TIMEOUT);

        for (String name : List.of("Bad Name", "Bad:Name", "", "Tab\tName", "Näme")) {
            assertThatThrownBy(() -> call.header(name, "v")).as(name).isInstanceOf(IllegalArgumentException.class);
        }
        for (String value : List.of("a\r\nInjected: 1", "a\nb", "a\rb")) {
            assertThatThrownBy(() -> call.header("X-Ok", value)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(call.header("X-Ok", "1").header("x-ok", "2").headers()).isEqualTo(Map.of("x-ok", "2"));
    }

    @Test
    void theConstructorRefusesWhatWouldBreakTheRequestHeadToo() {
        URI uri = URI.create("http://127.0.0.1/");

        assertThatThrownBy(() -> new HttpCall("GET", uri, Map.of("X-Ok", "a\r\nInjected: 1"), HttpBody.none(), TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpCall("GET", uri, Map.of("Bad Name", "v"), HttpBody.none(), TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpCall.of("GET / HTTP/1.1\r\nX-Injected: 1\r\n\r\nGET", uri, TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesAUriThatIsNotHttp() {
        for (String uri : List.of("ftp://127.0.0.1/file", "file:///etc/passwd", "/relative")) {
            assertThatThrownBy(() -> client.send(HttpCall.of("GET", URI.create(uri), TIMEOUT)))
                    .as(uri).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(uri);
        }
    }

    @Test
    void aBodyShorterThanItsLengthIsAnErrorNotAHungRequest() throws Exception {
        raw = RawServer.plain((c, i) -> {
            c.read();
            c.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        });

        for (HttpBody body : List.of(TestBodies.lying(100, 10), TestBodies.lying(4 << 20, 1000),
                TestBodies.lying(10, 100))) {
            assertThatThrownBy(() -> client.send(HttpCall.of("PUT", raw.uri("/"), TIMEOUT).body(body)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("bytes but said it has " + body.length());
        }
    }

    @Test
    void aMalformedAnswerIsAProtocolErrorNotAHang() throws Exception {
        List<String> answers = List.of(
                "SSH-2.0-OpenSSH_9.2\r\n",
                "HTTP/1.1 two-hundred OK\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: twelve\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n",
                "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");
        raw = RawServer.plain((c, i) -> {
            c.read();
            c.write(answers.get(i));
            c.hold();
        });

        for (String answer : answers) {
            assertThatThrownBy(() -> get("/"))
                    .as(answer).isInstanceOf(IOException.class).hasCauseInstanceOf(ProtocolException.class)
                    .hasMessageStartingWith("GET 127.0.0.1/: ");
        }
    }

    @Test
    void anAnswerCutShortIsAnError() throws Exception {
        raw = RawServer.plain((c, i) -> {
            c.read();
            c.write(i == 0 ? "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort" : "");
        });

        assertThatThrownBy(() -> get("/")).isInstanceOf(IOException.class)
                .hasMessageContaining("the connection closed inside an answer");
        assertThatThrownBy(() -> get("/")).isInstanceOf(IOException.class)
                .hasMessageContaining("the server closed the connection without answering");
    }
}
