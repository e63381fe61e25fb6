package dev.kiln.spi;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kiln.api.KilnException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small HTTP file server over one folder, for what PXE and iPXE clients fetch: GET and HEAD, one byte range
 * (RFC 9110 section 14), nothing outside the folder, one access log line per request. {@code kiln serve} is this
 * server until Ctrl-C; a provider that boots served files (run packet --serve) holds one for the run.
 */
public final class FileServer implements AutoCloseable {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private final Path root;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "kiln-file-server");
        t.setDaemon(true);
        return t;
    });
    private final Consumer<String> log;

    private FileServer(Path root, HttpServer server, Consumer<String> log) {
        this.root = root;
        this.server = server;
        this.log = log;
    }

    /**
     * Serves {@code dir} at {@code listen} ({@code HOST:PORT}, {@code :PORT} for every interface, port 0 for any
     * free one) until {@link #close}; each request is passed to {@code accessLog} as a common-log-like line.
     */
    public static FileServer start(Path dir, String listen, Consumer<String> accessLog) {
        if (!Files.isDirectory(dir)) {
            throw KilnException.usage("No such folder to serve: " + dir);
        }
        HttpServer server;
        try {
            server = HttpServer.create(address(listen), 0);
        } catch (IOException e) {
            throw KilnException.tried("listen on " + listen, KilnException.reason(e),
                    "choose another address or port");
        }
        FileServer files = new FileServer(dir.toAbsolutePath().normalize(), server, accessLog);
        server.setExecutor(files.threads);
        server.createContext("/", files::serve);
        server.start();
        return files;
    }

    /** {@code HOST:PORT}, {@code [V6]:PORT} or {@code :PORT} (every interface). */
    public static InetSocketAddress address(String text) {
        int colon = text.lastIndexOf(':');
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            String host = colon <= 0 ? "" : text.substring(0, colon).replaceAll("^\\[|]$", "");
            return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw KilnException.usage("A listen address must be HOST:PORT or :PORT, not " + text);
        } catch (IllegalArgumentException e) {
            throw KilnException.usage("A listen address must be HOST:PORT or :PORT, not " + text + " ("
                    + e.getMessage() + ")");
        }
    }

    public Path root() {
        return root;
    }

    /** Where it listens: {@code http://127.0.0.1:8080/}, or {@code http://0.0.0.0:8080/} on every interface. */
    public String url() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().isAnyLocalAddress() ? "0.0.0.0" : a.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + "/";
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops listening at once and ends the requests in flight. */
    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            Path file = root.resolve(path.replaceFirst("^/+", "")).normalize();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                log(exchange, 405, 0);
            } else if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                log(exchange, 404, 0);
            } else {
                send(exchange, file, method.equals("HEAD"));
            }
        }
    }

    private void send(HttpExchange exchange, Path file, boolean head) throws IOException {
        long size = Files.size(file);
        long from = 0;
        long to = size - 1;
        int status = 200;
        String range = exchange.getRequestHeaders().getFirst("Range");
        Matcher m = range == null ? null : RANGE.matcher(range.trim());
        if (m != null && m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
            if (m.group(1).isEmpty()) {
                from = Math.max(0, size - Long.parseLong(m.group(2)));
            } else {
                from = Long.parseLong(m.group(1));
                to = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
            }
            if (from >= size || from > to) {
                exchange.getResponseHeaders().set("Content-Range", "bytes */" + size);
                exchange.sendResponseHeaders(416, -1);
                log(exchange, 416, 0);
                return;
            }
            status = 206;
            exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + to + "/" + size);
        }
        long length = to - from + 1;
        exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
        exchange.getResponseHeaders().set("Content-Type", file.toString().endsWith(".ipxe") ? "text/plain"
                : "application/octet-stream");
        long sent = 0;
        if (head) {
            exchange.getResponseHeaders().set("Content-Length", String.valueOf(length));
            exchange.sendResponseHeaders(status, -1);
        } else {
            exchange.sendResponseHeaders(status, length);
            try (InputStream in = Files.newInputStream(file); OutputStream out = exchange.getResponseBody()) {
                in.skipNBytes(from);
                sent = copy(in, out, length);
            }
        }
        log(exchange, status, sent);
    }

    private static long copy(InputStream in, OutputStream out, long n) throws IOException {
        byte[] buf = new byte[1 << 16];
        long done = 0;
        while (done < n) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) {
                break;
            }
            out.write(buf, 0, r);
            done += r;
        }
        return done;
    }

    /** Common-log-like: client, time, request line, status, bytes sent. */
    private void log(HttpExchange exchange, int status, long bytes) {
        log.accept(exchange.getRemoteAddress().getAddress().getHostAddress() + " [" + Instant.now() + "] \""
                + exchange.getRequestMethod() + " " + exchange.getRequestURI() + "\" " + status + " " + bytes);
    }
}
