package dev.kiln.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kiln.api.KilnException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code kiln serve DIR}: a small HTTP file server for what {@code push packet --destination DIR} wrote, so a PXE
 * fleet (or a test VM) can fetch the kernel, initrd and iPXE script. GET and HEAD, one byte range
 * (RFC 9110 section 14), an access log line per request on stderr, stopped with Ctrl-C.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        header = "Serve a folder over HTTP (GET, HEAD, ranges) for iPXE and PXE boots, until Ctrl-C.")
final class ServeCommand implements Runnable {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The folder to serve, e.g. the --destination of push packet")
    Path dir;

    @Option(names = "--listen", paramLabel = "ADDR", defaultValue = "127.0.0.1:8080",
            description = "HOST:PORT or :PORT to listen on (default ${DEFAULT-VALUE}; :PORT is every interface)")
    String listen;

    @Override
    public void run() {
        if (!Files.isDirectory(dir)) {
            throw KilnException.usage("No such folder to serve: " + dir);
        }
        Session session = Kiln.root(spec).session();
        PrintWriter log = session.err();
        Path root = dir.toAbsolutePath().normalize();
        HttpServer server;
        try {
            server = HttpServer.create(address(listen), 0);
        } catch (IOException e) {
            throw KilnException.tried("listen on " + listen, KilnException.reason(e), "choose another --listen");
        }
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> serve(root, exchange, log));
        server.start();
        log.println("serving " + root + " at http://" + hostPort(server.getAddress()) + "/ (Ctrl-C stops)");
        log.flush();
        CountDownLatch stop = new CountDownLatch(1);
        try (var hook = session.interrupts().token().onCancel(stop::countDown)) {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
            log.println("stopped serving " + root);
            log.flush();
        }
    }

    static InetSocketAddress address(String text) {
        int colon = text.lastIndexOf(':');
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            String host = colon <= 0 ? "" : text.substring(0, colon).replaceAll("^\\[|]$", "");
            return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw KilnException.usage("--listen must be HOST:PORT or :PORT, not " + text);
        }
    }

    private static String hostPort(InetSocketAddress a) {
        return (a.getAddress().isAnyLocalAddress() ? "0.0.0.0" : a.getAddress().getHostAddress()) + ":" + a.getPort();
    }

    private static void serve(Path root, HttpExchange exchange, PrintWriter log) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            Path file = root.resolve(path.replaceFirst("^/+", "")).normalize();
            long sent = 0;
            int status;
            if (!method.equals("GET") && !method.equals("HEAD")) {
                status = 405;
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(status, -1);
            } else if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                status = 404;
                exchange.sendResponseHeaders(status, -1);
            } else {
                long size = Files.size(file);
                long from = 0;
                long to = size - 1;
                status = 200;
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
                        log(log, exchange, 416, 0);
                        return;
                    }
                    status = 206;
                    exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + to + "/" + size);
                }
                long length = to - from + 1;
                exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
                exchange.getResponseHeaders().set("Content-Type", path.endsWith(".ipxe") ? "text/plain"
                        : "application/octet-stream");
                if (method.equals("HEAD")) {
                    exchange.getResponseHeaders().set("Content-Length", String.valueOf(length));
                    exchange.sendResponseHeaders(status, -1);
                } else {
                    exchange.sendResponseHeaders(status, length);
                    try (InputStream in = Files.newInputStream(file); OutputStream out = exchange.getResponseBody()) {
                        in.skipNBytes(from);
                        sent = copy(in, out, length);
                    }
                }
            }
            log(log, exchange, status, sent);
        }
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
    private static void log(PrintWriter log, HttpExchange exchange, int status, long bytes) {
        synchronized (log) {
            log.println(exchange.getRemoteAddress().getAddress().getHostAddress() + " [" + Instant.now() + "] \""
                    + exchange.getRequestMethod() + " " + exchange.getRequestURI() + "\" " + status + " " + bytes);
            log.flush();
        }
    }
}
