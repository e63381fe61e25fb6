package dev.kiln.spi.http;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ProxySelector;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.channels.ClosedByInterruptException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A small HTTP/1.1 client for uploads: blocking sockets, keep-alive, https with the JDK's TLS
 * (certificate and host name checked), a watchdog that ends an exchange once no byte moved
 * for the call's timeout, and Ctrl-C that ends a blocked transfer at once. It exists because the JDK's {@code java.net.http} client left a local
 * upload at about 0.6-0.8 of {@code curl -T}'s speed (it waits for its selector whenever the socket's
 * buffer is full, so the buffer runs dry); blocking writes keep the buffer full, as curl does.
 *
 * <p>An idle connection is reused only if the server has not closed it meanwhile (checked just
 * before), and a failed request is never sent again here: whether a server kept part of a body is
 * for the caller's protocol to find out (a resumable upload asks for the committed offset). No
 * redirects are followed. Proxies are the JVM's ({@link Route}):
 * {@code -Dhttps.proxyHost=... -Dhttps.proxyPort=...}.
 */
public final class Http1Client implements AutoCloseable {

    /** Idle connections older than this are closed rather than reused. */
    private static final long MAX_IDLE_NANOS = TimeUnit.SECONDS.toNanos(20);

    private final SSLContext tls;
    private final ProxySelector proxies;
    private final Map<URI, Deque<Http1Connection>> idle = new HashMap<>();
    private boolean closed;

    /** Trusts what the JDK trusts (its cacerts, or {@code javax.net.ssl.trustStore}). */
    public Http1Client() {
        this(defaultTls());
    }

    public Http1Client(SSLContext tls) {
        this(tls, ProxySelector.getDefault());
    }

    /** With {@code proxies} null every origin is reached directly. */
    public Http1Client(SSLContext tls, ProxySelector proxies) {
        this.tls = tls;
        this.proxies = proxies;
    }

    private static SSLContext defaultTls() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no TLS", e);
        }
    }

    /**
     * Sends the call and reads the whole answer, whatever its status.
     *
     * @throws SocketTimeoutException when the exchange took longer than the call's timeout
     * @throws IOException when there was no complete answer (connection refused, reset, TLS failure)
     * @throws InterruptedException when the thread was interrupted; the connection is closed
     */
    public HttpAnswer send(HttpCall call) throws IOException, InterruptedException {
        URI origin = Http1Connection.origin(call.uri());
        if (Thread.interrupted()) {
            throw new InterruptedException(call.describe() + " was interrupted");
        }
        Http1Connection reused = take(origin);
        return exchange(reused != null ? reused : new Http1Connection(Route.of(origin, proxies)), call);
    }

    private HttpAnswer exchange(Http1Connection connection, HttpCall call) throws IOException, InterruptedException {
        boolean reused = connection.connected();
        Watchdog watchdog = new Watchdog(connection, call.timeout().toNanos());
        try {
            if (!reused) {
                connection.connect(tls);
            }
            HttpAnswer answer = connection.exchange(call);
            watchdog.stop();
            giveBack(connection);
            return answer;
        } catch (IOException | RuntimeException e) {
            connection.close();
            if (Thread.interrupted() || e instanceof ClosedByInterruptException) {
                InterruptedException stop = new InterruptedException(call.describe() + " was interrupted");
                stop.initCause(e);
                throw stop;
            }
            if (connection.expired()) {
                SocketTimeoutException late = new SocketTimeoutException(call.describe() + ": nothing was sent or"
                        + " received for " + seconds(call.timeout()));
                late.initCause(e);
                throw late;
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(call.describe() + ": " + message((IOException) e), e);
        } finally {
            watchdog.stop();
        }
    }

    /** "90 s", or "0.4 s" for a timeout that is not whole seconds (toSeconds would say "0 s"). */
    private static String seconds(Duration timeout) {
        return BigDecimal.valueOf(timeout.toMillis(), 3).stripTrailingZeros().toPlainString() + " s";
    }

    private static String message(IOException e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private synchronized Http1Connection take(URI origin) {
        Deque<Http1Connection> free = idle.get(origin);
        long now = System.nanoTime();
        while (free != null && !free.isEmpty()) {
            Http1Connection c = free.pollLast();
            if (now - c.idleSince() < MAX_IDLE_NANOS && c.reusable() && c.unused()) {
                return c;
            }
            c.close();
        }
        return null;
    }

    private void giveBack(Http1Connection connection) {
        synchronized (this) {
            if (!closed && connection.reusable()) {
                idle.computeIfAbsent(connection.origin(), o -> new ArrayDeque<>()).addLast(connection);
                return;
            }
        }
        connection.close();
    }

    /** Closes the idle connections; a call still running keeps its own until it ends. */
    @Override
    public synchronized void close() {
        closed = true;
        idle.values().forEach(free -> free.forEach(Http1Connection::close));
        idle.clear();
    }
}
