package dev.kiln.oci;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A TCP relay in front of a real registry, one request per connection ({@code Connection: close}
 * both ways), that records every request and applies a {@link Fault} to chosen answers: stall the
 * body, drop the connection mid-body, throttle it, or answer by itself.
 */
final class FaultyRelay implements AutoCloseable {

    /** A request as the relay saw it; header names in lower case. */
    record Seen(String method, String path, Map<String, String> headers) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** What to do with one request. */
    sealed interface Fault {
        Fault NONE = new Pass(Long.MAX_VALUE, false, 0);

        /** Forwards; after {@code bodyBytes} of the answer's body: stall (hold the socket) or drop; at a rate limit. */
        record Pass(long bodyBytes, boolean stall, long bytesPerSecond) implements Fault { }

        /**
         * Answers with these bytes (a whole HTTP response), one per {@code dripMillis} if that is set,
         * then keeps writing filler forever if {@code endless}.
         */
        record Answer(byte[] response, boolean endless, long dripMillis) implements Fault { }

        static Fault dropAfter(long bytes) {
            return new Pass(bytes, false, 0);
        }

        static Fault stallAfter(long bytes) {
            return new Pass(bytes, true, 0);
        }

        static Fault throttle(long bytesPerSecond) {
            return new Pass(Long.MAX_VALUE, false, bytesPerSecond);
        }

        static Fault answer(String head) {
            return new Answer(head.getBytes(StandardCharsets.ISO_8859_1), false, 0);
        }

        static Fault endless(byte[] response) {
            return new Answer(response, true, 0);
        }

        static Fault drip(String response, long millisPerByte) {
            return new Answer(response.getBytes(StandardCharsets.ISO_8859_1), false, millisPerByte);
        }
    }

    private final ServerSocket server;
    private final int upstream;
    private final Function<Seen, Fault> rule;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "faulty-relay");
        t.setDaemon(true);
        return t;
    });
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicLong> bodyBytes = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    private FaultyRelay(InetAddress bind, int upstream, Function<Seen, Fault> rule) throws IOException {
        this.server = new ServerSocket(0, 50, bind);
        this.upstream = upstream;
        this.rule = rule;
        pool.execute(this::accept);
    }

    /** On 127.0.0.1, relaying to the registry on {@code upstreamPort}. */
    static FaultyRelay start(int upstreamPort, Function<Seen, Fault> rule) throws IOException {
        return new FaultyRelay(InetAddress.getLoopbackAddress(), upstreamPort, rule);
    }

    static FaultyRelay start(InetAddress bind, int upstreamPort, Function<Seen, Fault> rule) throws IOException {
        return new FaultyRelay(bind, upstreamPort, rule);
    }

    int port() {
        return server.getLocalPort();
    }

    List<Seen> requests() {
        return List.copyOf(seen);
    }

    /** Requests whose path contains {@code part}, in arrival order. */
    List<Seen> requests(String part) {
        return seen.stream().filter(s -> s.path().contains(part)).toList();
    }

    /** Body bytes written to kiln in answers to paths that contain {@code part}. */
    long bodyBytesSent(String part) {
        return bodyBytes.entrySet().stream().filter(e -> e.getKey().contains(part)).mapToLong(e -> e.getValue().get()).sum();
    }

    private void count(Seen request, long n) {
        bodyBytes.computeIfAbsent(request.path(), k -> new AtomicLong()).addAndGet(n);
    }

    /** The most blob answers that were being relayed at one time. */
    int maxBlobsInFlight() {
        return maxInFlight.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                pool.execute(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            int first = in.read();
            if (first == 0x16) {
                // a TLS ClientHello: answer as Go's net/http does to TLS on a plain port
                client.getOutputStream().write(("HTTP/1.0 400 Bad Request\r\n\r\n"
                        + "Client sent an HTTP request to an HTTPS server.\n").getBytes(StandardCharsets.ISO_8859_1));
                return;
            }
            byte[] head = first < 0 ? null : readHead(new java.io.SequenceInputStream(
                    new java.io.ByteArrayInputStream(new byte[] {(byte) first}), in));
            if (head == null) {
                return;
            }
            Seen request = parse(new String(head, StandardCharsets.ISO_8859_1));
            seen.add(request);
            Fault fault = rule.apply(request);
            OutputStream out = client.getOutputStream();
            if (fault instanceof Fault.Answer answer) {
                if (answer.dripMillis() > 0) {
                    for (byte b : answer.response()) {
                        out.write(b);
                        out.flush();
                        Thread.sleep(answer.dripMillis()); // the fault is the slowness itself
                    }
                } else {
                    out.write(answer.response());
                }
                byte[] filler = new byte[64 * 1024];
                while (answer.endless()) {
                    out.write(filler);
                    count(request, filler.length);
                }
                out.flush();
                client.shutdownOutput();
                return;
            }
            // a blob answer counts as in flight until just before its last byte is written, so kiln cannot
            // have asked for the next blob while this one still counts
            Runnable done = request.path().contains("/blobs/") ? inFlight() : () -> { };
            try {
                forward(client, head, (Fault.Pass) fault, done);
            } finally {
                done.run();
            }
        } catch (IOException e) {
            // the client went away, which is what several faults are for
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Runnable inFlight() {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (once.compareAndSet(false, true)) {
                inFlight.decrementAndGet();
            }
        };
    }

    private void forward(Socket client, byte[] head, Fault.Pass fault, Runnable beforeLastByte)
            throws IOException, InterruptedException {
        Seen request = parse(new String(head, StandardCharsets.ISO_8859_1));
        try (Socket up = new Socket(InetAddress.getLoopbackAddress(), upstream)) {
            up.getOutputStream().write(withConnectionClose(new String(head, StandardCharsets.ISO_8859_1)));
            up.getOutputStream().flush();
            InputStream upIn = up.getInputStream();
            byte[] responseHead = readHead(upIn);
            if (responseHead == null) {
                return;
            }
            OutputStream out = client.getOutputStream();
            Seen response = parse(new String(responseHead, StandardCharsets.ISO_8859_1));
            long length = response.header("Content-Length") == null ? -1 : Long.parseLong(response.header("Content-Length"));
            out.write(withConnectionClose(new String(responseHead, StandardCharsets.ISO_8859_1)));
            byte[] buf = new byte[fault.bytesPerSecond() > 0 ? (int) Math.max(1, fault.bytesPerSecond() / 20) : 64 * 1024];
            long sent = 0;
            for (int n; sent < fault.bodyBytes() && (n = upIn.read(buf, 0, (int) Math.min(buf.length, fault.bodyBytes() - sent))) >= 0; ) {
                if (fault.bytesPerSecond() > 0) {
                    Thread.sleep(n * 1000L / fault.bytesPerSecond()); // throttling: a rate, not an ordering
                }
                if (sent + n == length) {
                    beforeLastByte.run();
                }
                out.write(buf, 0, n);
                out.flush();
                sent += n;
                count(request, n);
            }
            out.flush();
            if (sent >= fault.bodyBytes() && fault.stall()) {
                awaitClientGone(client);
            }
            client.shutdownOutput();
        }
    }

    /** Holds a stalled answer open until kiln closes its end (or the relay stops, closing the socket). */
    private static void awaitClientGone(Socket client) {
        try {
            while (client.getInputStream().read() >= 0) {
                continue;
            }
        } catch (IOException e) {
            // closed
        }
    }

    private static byte[] withConnectionClose(String head) {
        StringBuilder out = new StringBuilder();
        String[] lines = head.split("\r\n");
        for (String line : lines) {
            if (!line.isEmpty() && !line.toLowerCase(Locale.ROOT).startsWith("connection:")
                    && !line.toLowerCase(Locale.ROOT).startsWith("keep-alive:")) {
                out.append(line).append("\r\n");
            }
        }
        out.append("Connection: close\r\n\r\n");
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The bytes up to and including the blank line, or null at end of stream. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        for (int b; (b = in.read()) >= 0; ) {
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) ? state + 1 : (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            if (state == 4) {
                return head.toByteArray();
            }
        }
        return null;
    }

    private static Seen parse(String head) {
        String[] lines = head.split("\r\n");
        String[] start = lines[0].split(" ");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        return new Seen(start[0], start.length > 1 ? start[1] : "", headers);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : new ArrayList<>(open)) {
            s.close();
        }
        pool.shutdownNow();
    }
}
