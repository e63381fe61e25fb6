package dev.kiln.spi.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A call ends when its deadline passes or its thread is interrupted, whatever the server does;
 * the only timing asserted is a generous upper bound, to tell "ended" from "hung".
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Http1ClientDeadlineTest {

    private static final Duration SHORT = Duration.ofMillis(400);
    private static final long HUNG_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Http1Client client = new Http1Client();
    private RawServer raw;

    @AfterEach
    void stop() throws IOException {
        client.close();
        raw.close();
    }

    @Test
    void aServerThatNeverAnswersEndsInATimeout() throws Exception {
        raw = RawServer.plain((c, i) -> {
            c.read();
            c.hold();
        });

        long start = System.nanoTime();
        assertThatThrownBy(() -> client.send(HttpCall.of("GET", raw.uri("/slow?token=secret"), SHORT)))
                .isInstanceOf(SocketTimeoutException.class)
                .hasMessage("GET 127.0.0.1/slow: nothing was sent or received for 0.4 s");
        assertThat(System.nanoTime() - start).isLessThan(HUNG_NANOS);
    }

    @Test
    void aServerThatStopsReadingABigBodyEndsInATimeout() throws Exception {
        raw = RawServer.plain((c, i) -> c.hold());

        long start = System.nanoTime();
        assertThatThrownBy(() -> client.send(HttpCall.of("PUT", raw.uri("/upload"), Duration.ofMillis(500))
                .body(TestBodies.mebibytes(64))))
                .isInstanceOf(SocketTimeoutException.class)
                .hasMessage("PUT 127.0.0.1/upload: nothing was sent or received for 0.5 s");
        assertThat(System.nanoTime() - start).isLessThan(HUNG_NANOS);
    }

    @Test
    void anAnswerThatKeepsTricklingOutlastsTheTimeout() throws Exception {
        raw = RawServer.plain((c, i) -> {
            c.read();
            c.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int n = 0; n < 8; n++) {
                Thread.sleep(150);
                c.write("1\r\n" + n + "\r\n");
            }
            c.write("0\r\n\r\n");
        });

        long start = System.nanoTime();
        HttpAnswer answer = client.send(HttpCall.of("GET", raw.uri("/slow"), SHORT));

        assertThat(answer.body()).isEqualTo("01234567");
        assertThat(System.nanoTime() - start).as("the answer took longer than the 0.4 s of silence allowed")
                .isGreaterThan(SHORT.toNanos());
    }

    @Test
    void theNextCallAfterATimeoutUsesAFreshConnection() throws Exception {
        raw = RawServer.plain((c, i) -> {
            c.read();
            if (i == 0) {
                c.hold();
            }
            c.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        });

        assertThatThrownBy(() -> client.send(HttpCall.of("GET", raw.uri("/"), SHORT)))
                .isInstanceOf(SocketTimeoutException.class);

        assertThat(client.send(HttpCall.of("GET", raw.uri("/"), Duration.ofSeconds(5))).body()).isEqualTo("ok");
        assertThat(raw.connections()).isEqualTo(2);
    }

    @Test
    void anInterruptEndsACallWaitingForAnAnswerAndClosesItsConnection() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        AtomicBoolean closed = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        raw = RawServer.plain((c, i) -> {
            c.read();
            asked.countDown();
            closed.set(c.clientCloses());
            done.countDown();
        });

        Blocked call = Blocked.start(client, HttpCall.of("GET", raw.uri("/wait"), Duration.ofMinutes(5)));
        assertThat(RawServer.await(asked)).isTrue();
        call.interruptAndJoin();

        assertThat(call.failure.get()).isInstanceOf(InterruptedException.class)
                .hasMessage("GET 127.0.0.1/wait was interrupted");
        assertThat(RawServer.await(done)).isTrue();
        assertThat(closed).isTrue();
    }

    @Test
    void anInterruptEndsACallBlockedWritingABody() throws Exception {
        CountDownLatch accepted = new CountDownLatch(1);
        raw = RawServer.plain((c, i) -> {
            accepted.countDown();
            c.hold();
        });

        Blocked call = Blocked.start(client, HttpCall.of("PUT", raw.uri("/upload"), Duration.ofMinutes(5))
                .body(TestBodies.mebibytes(64)));
        assertThat(RawServer.await(accepted)).isTrue();
        Thread.sleep(300); // lets the body fill the socket's buffers, so the write blocks
        call.interruptAndJoin();

        assertThat(call.failure.get()).isInstanceOf(InterruptedException.class)
                .hasMessage("PUT 127.0.0.1/upload was interrupted");
    }

    @Test
    void aThreadInterruptedBeforeTheCallDoesNotConnect() throws Exception {
        raw = RawServer.plain((c, i) -> c.hold());

        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> client.send(HttpCall.of("GET", raw.uri("/"), Duration.ofSeconds(5))))
                .isInstanceOf(InterruptedException.class);

        assertThat(Thread.interrupted()).isFalse();
        assertThat(raw.connections()).isZero();
    }

    /** A call running on its own thread, to be interrupted. */
    static final class Blocked {
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread thread;

        private Blocked(Http1Client client, HttpCall call) {
            thread = new Thread(() -> {
                try {
                    client.send(call);
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "blocked-call");
            thread.setDaemon(true);
        }

        static Blocked start(Http1Client client, HttpCall call) {
            Blocked blocked = new Blocked(client, call);
            blocked.thread.start();
            return blocked;
        }

        void interruptAndJoin() throws InterruptedException {
            thread.interrupt();
            thread.join(TimeUnit.NANOSECONDS.toMillis(HUNG_NANOS));
            assertThat(thread.isAlive()).as("still blocked 10 s after the interrupt").isFalse();
        }
    }
}
