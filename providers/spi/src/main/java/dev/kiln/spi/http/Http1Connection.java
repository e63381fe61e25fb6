package dev.kiln.spi.http;

import dev.kiln.core.Version;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One HTTP/1.1 connection over a blocking {@link SocketChannel}, with TLS layered on it for https.
 * Blocking writes keep the socket's send buffer full (the JDK's HttpClient waits for the selector
 * each time the buffer fills, and the link runs dry meanwhile); on plain connections a body's
 * buffers go to the channel as they are, on TLS ones through the socket's stream. Every blocking
 * step is on the channel, so an interrupt closes it and unblocks the thread, and so does
 * {@link #expire} from the deadline timer.
 */
final class Http1Connection implements AutoCloseable {

    private static final int MAX_LINE = 64 * 1024;
    private static final int MAX_HEADERS = 200;
    private static final int MAX_BODY = 32 << 20;
    private static final int SMALL_BODY = 64 * 1024;
    /** Headers the connection writes itself. */
    private static final Set<String> FRAMING = Set.of("host", "content-length", "transfer-encoding", "connection");
    private static final String USER_AGENT = "kiln/" + Version.get();

    private final URI origin;
    private final Route route;
    private final SocketChannel channel;
    private Socket socket;
    private InputStream in;
    private OutputStream tlsOut;
    private byte[] staging;
    private volatile boolean expired;
    private boolean answered;
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
        String host = bare(origin.getHost());
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
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    }

    /** Called by the deadline timer: closes the channel, which ends whatever blocks on it. */
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
        answered = false;
        reusable = false;
        send(call);
        HttpAnswer answer = receive(call);
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

    private void write(ByteBuffer bytes) throws IOException {
        if (tlsOut == null) {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            return;
        }
        if (bytes.hasArray() && !bytes.isReadOnly()) {
            tlsOut.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
            bytes.position(bytes.limit());
            return;
        }
        if (staging == null) {
            staging = new byte[256 * 1024];
        }
        while (bytes.hasRemaining()) {
            int n = Math.min(staging.length, bytes.remaining());
            bytes.get(staging, 0, n);
            tlsOut.write(staging, 0, n);
        }
    }

    private HttpAnswer receive(HttpCall call) throws IOException {
        while (true) {
            String status = line();
            String[] parts = status.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new ProtocolException("not an HTTP/1.x answer: " + clip(status));
            }
            int code;
            try {
                code = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new ProtocolException("not an HTTP status: " + clip(status));
            }
            Map<String, List<String>> headers = headers();
            if (code >= 100 && code < 200 && code != 101) {
                continue;
            }
            boolean keepAlive = parts[0].equals("HTTP/1.1") && !tokens(headers, "connection").contains("close");
            String body;
            if (call.method().equals("HEAD") || code == 204 || code == 304 || code < 200) {
                body = "";
            } else if (tokens(headers, "transfer-encoding").contains("chunked")) {
                body = chunked();
            } else if (headers.containsKey("content-length")) {
                body = fixed(contentLength(headers));
            } else {
                body = untilClose();
                keepAlive = false;
            }
            reusable = keepAlive;
            return new HttpAnswer(code, headers, body, call.uri());
        }
    }

    private Map<String, List<String>> headers() throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int n = 0; ; n++) {
            String line = line();
            if (line.isEmpty()) {
                return headers;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || n >= MAX_HEADERS) {
                throw new ProtocolException("malformed answer header: " + clip(line));
            }
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
    }

    private static List<String> tokens(Map<String, List<String>> headers, String name) {
        List<String> tokens = new ArrayList<>();
        for (String value : headers.getOrDefault(name, List.of())) {
            for (String t : value.split(",")) {
                tokens.add(t.trim().toLowerCase(Locale.ROOT));
            }
        }
        return tokens;
    }

    private static long contentLength(Map<String, List<String>> headers) throws ProtocolException {
        String value = headers.get("content-length").get(0);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ProtocolException("bad Content-Length in the answer: " + clip(value));
        }
    }

    private String fixed(long length) throws IOException {
        if (length > MAX_BODY || length < 0) {
            throw new ProtocolException("the answer's body is " + length + " bytes; kiln reads at most " + MAX_BODY);
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            throw new EOFException("the connection closed inside an answer");
        }
        return new String(body, StandardCharsets.UTF_8);
    }

    private String chunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line();
            int semicolon = sizeLine.indexOf(';');
            long size;
            try {
                size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new ProtocolException("bad chunk size in the answer: " + clip(sizeLine));
            }
            if (size == 0) {
                while (!line().isEmpty()) {
                    // trailers: not used
                }
                return body.toString(StandardCharsets.UTF_8);
            }
            if (size < 0 || body.size() + size > MAX_BODY) {
                throw new ProtocolException("the answer's body is over " + MAX_BODY + " bytes");
            }
            byte[] chunk = in.readNBytes((int) size);
            if (chunk.length < size) {
                throw new EOFException("the connection closed inside an answer");
            }
            body.writeBytes(chunk);
            if (!line().isEmpty()) {
                throw new ProtocolException("a chunk of the answer did not end with CRLF");
            }
        }
    }

    private String untilClose() throws IOException {
        byte[] body = in.readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            throw new ProtocolException("the answer's body is over " + MAX_BODY + " bytes");
        }
        return new String(body, StandardCharsets.UTF_8);
    }

    /** One header line without its CRLF (a bare LF is accepted too). */
    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException(answered ? "the connection closed inside an answer"
                        : "the server closed the connection without answering");
            }
            answered = true;
            if (c == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            if (line.length() >= MAX_LINE) {
                throw new ProtocolException("an answer line is longer than " + MAX_LINE + " bytes");
            }
            line.append((char) c);
        }
    }

    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static String clip(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "..." : s;
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
