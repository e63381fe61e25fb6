package dev.kiln.spi.http;

import dev.kiln.api.Version;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One HTTP/1.1 connection over a blocking {@link SocketChannel}, with TLS layered on it for https.
 * Blocking writes keep the socket's send buffer full (the JDK's HttpClient waits for the selector
 * each time the buffer fills, and the link runs dry meanwhile); on plain connections a body's
 * buffers go to the channel as they are, on TLS ones through the socket's stream. Every blocking
 * step is on the channel, so an interrupt closes it and unblocks the thread, and so does
 * {@link #expire} from the {@link Watchdog}.
 */
final class Http1Connection implements AutoCloseable {

    private static final int SMALL_BODY = 64 * 1024;
    private static final int STEP = 256 * 1024;
    /** Headers the connection writes itself. */
    private static final Set<String> FRAMING = Set.of("host", "content-length", "transfer-encoding", "connection");
    private static final String USER_AGENT = "kiln/" + Version.get();

    private final URI origin;
    private final Route route;
    private final SocketChannel channel;
    private Socket socket;
    private InputStream in;
    private AnswerReader reader;
    private OutputStream tlsOut;
    private byte[] staging;
    private volatile boolean expired;
    private volatile long lastProgress;
    private boolean reusable;
    private long idleSince;

    Http1Connection(Route route) throws IOException {
        this.origin = route.origin();
        this.route = route;
        this.channel = SocketChannel.open();
    }

    /** The scheme, host and port of a URI: what a connection can be reused for. */
    static URI origin(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("not an http or https URL: " + uri);
        }
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return URI.create(scheme + "://" + uri.getHost() + ":" + port);
    }

    URI origin() {
        return origin;
    }

    boolean connected() {
        return socket != null;
    }

    void connect(SSLContext tls) throws IOException {
        String host = route.host();
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.connect(route.firstHop());
        route.openTunnel(channel);
        Socket plain = channel.socket();
        if (origin.getScheme().equals("https")) {
            SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, origin.getPort(), true);
            SSLParameters parameters = ssl.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            parameters.setApplicationProtocols(new String[] {"http/1.1"});
            ssl.setSSLParameters(parameters);
            ssl.startHandshake();
            tlsOut = ssl.getOutputStream();
            socket = ssl;
        } else {
            socket = plain;
        }
        in = new BufferedInputStream(new FilterInputStream(socket.getInputStream()) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                progressed();
                return n;
            }
        }, 64 * 1024);
        reader = new AnswerReader(in);
    }

    /** Notes that bytes moved (or an exchange begins): the watchdog counts silence from here. */
    void progressed() {
        lastProgress = System.nanoTime();
    }

    long quietNanos() {
        return System.nanoTime() - lastProgress;
    }

    /** Called by the watchdog: closes the channel, which ends whatever blocks on it. */
    void expire() {
        expired = true;
        close();
    }

    boolean expired() {
        return expired;
    }

    boolean reusable() {
        return reusable && !expired && channel.isOpen();
    }

    /**
     * Whether an idle connection is still open at the server's end: nothing may have arrived on it
     * since the last answer (a close, a TLS close_notify or stray bytes all make it unusable).
     */
    boolean unused() {
        if (in == null || !reusable()) {
            return false;
        }
        try {
            if (in.available() > 0) {
                return false;
            }
            channel.configureBlocking(false);
            int read = channel.read(ByteBuffer.allocate(1));
            channel.configureBlocking(true);
            return read == 0;
        } catch (IOException e) {
            return false;
        }
    }

    long idleSince() {
        return idleSince;
    }

    HttpAnswer exchange(HttpCall call) throws IOException {
        reusable = false;
        send(call);
        HttpAnswer answer = reader.read(call);
        reusable = reader.keepAlive();
        idleSince = System.nanoTime();
        return answer;
    }

    private void send(HttpCall call) throws IOException {
        HttpBody body = call.body();
        long length = body.length();
        ByteArrayOutputStream head = new ByteArrayOutputStream(512 + (length <= SMALL_BODY ? (int) length : 0));
        head.writeBytes(head(call, length).getBytes(StandardCharsets.ISO_8859_1));
        long[] written = {0};
        if (length <= SMALL_BODY) {
            body.writeTo(bytes -> {
                written[0] += bytes.remaining();
                if (bytes.hasArray()) {
                    head.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
                    bytes.position(bytes.limit());
                } else {
                    byte[] copy = new byte[bytes.remaining()];
                    bytes.get(copy);
                    head.writeBytes(copy);
                }
            });
            check(written[0], length);
            write(ByteBuffer.wrap(head.toByteArray()));
        } else {
            write(ByteBuffer.wrap(head.toByteArray()));
            body.writeTo(bytes -> {
                written[0] += bytes.remaining();
                write(bytes);
            });
            check(written[0], length);
        }
        if (tlsOut != null) {
            tlsOut.flush();
        }
    }

    private static void check(long written, long length) {
        if (written != length) {
            throw new IllegalStateException("a request body wrote " + written + " bytes but said it has " + length);
        }
    }

    private String head(HttpCall call, long length) {
        URI uri = call.uri();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = (route.absoluteForm() ? origin.getScheme() + "://" + origin.getHost() + ":" + origin.getPort() : "")
                + (uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery());
        int port = origin.getPort();
        boolean defaultPort = port == (origin.getScheme().equals("https") ? 443 : 80);
        StringBuilder b = new StringBuilder(256);
        b.append(call.method()).append(' ').append(target).append(" HTTP/1.1\r\n");
        b.append("Host: ").append(origin.getHost()).append(defaultPort ? "" : ":" + port).append("\r\n");
        boolean agent = false;
        for (Map.Entry<String, String> h : call.headers().entrySet()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (!FRAMING.contains(name)) {
                b.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
                agent |= name.equals("user-agent");
            }
        }
        if (!agent) {
            b.append("User-Agent: ").append(USER_AGENT).append("\r\n");
        }
        if (length > 0 || call.method().equals("PUT") || call.method().equals("POST")) {
            b.append("Content-Length: ").append(length).append("\r\n");
        }
        return b.append("\r\n").toString();
    }

    /** Writes in steps of at most 256 KiB, so the watchdog sees progress on a slow link too. */
    private void write(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            int n = Math.min(STEP, bytes.remaining());
            ByteBuffer step = bytes.slice(bytes.position(), n);
            if (tlsOut == null) {
                while (step.hasRemaining()) {
                    channel.write(step);
                }
            } else if (step.hasArray() && !step.isReadOnly()) {
                tlsOut.write(step.array(), step.arrayOffset(), n);
            } else {
                if (staging == null) {
                    staging = new byte[STEP];
                }
                step.get(staging, 0, n);
                tlsOut.write(staging, 0, n);
            }
            bytes.position(bytes.position() + n);
            progressed();
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing more to do with a connection that failed to close
        }
    }
}
