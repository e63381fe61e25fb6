package dev.kiln.spi.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A test server that writes exactly the bytes a test scripts, one script run per accepted
 * connection (on its own thread), for framing and failure cases a real server will not produce.
 */
final class RawServer implements AutoCloseable {

    /** What the server does with one connection; {@code index} counts connections from 0. */
    @FunctionalInterface
    interface Script {
        void run(Connection connection, int index) throws Exception;
    }

    /** A request as the server read it. */
    record Request(String method, String target, Map<String, List<String>> headers, byte[] body) {

        List<String> header(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }
    }

    /** One accepted connection, as its script sees it. */
    final class Connection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        /** The next request's head and Content-Length body, or null when the client closed first. */
        Request read() throws IOException {
            String first = line();
            if (first == null) {
                return null;
            }
            String[] parts = first.split(" ");
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (String line = line(); line != null && !line.isEmpty(); line = line()) {
                int colon = line.indexOf(':');
                headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        k -> new ArrayList<>()).add(line.substring(colon + 1).trim());
            }
            List<String> length = headers.getOrDefault("content-length", List.of("0"));
            byte[] body = in.readNBytes(Integer.parseInt(length.get(0)));
            Request request = new Request(parts[0], parts[1], headers, body);
            requests.add(request);
            return request;
        }

        private String line() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    if (line.size() == 0) {
                        return null;
                    }
                    throw new EOFException("the client closed inside a line");
                }
                line.write(c);
            }
            String s = line.toString(StandardCharsets.ISO_8859_1);
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }

        void write(String raw) throws IOException {
            out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** Reads until the client closes: true if it did within 10 s (a reset counts as closed). */
        boolean clientCloses() throws IOException {
            socket.setSoTimeout(10_000);
            try {
                while (in.read() >= 0) {
                    // whatever the client still sends
                }
                return true;
            } catch (java.net.SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }

        /** Keeps the connection open without reading until the server closes. */
        void hold() throws InterruptedException {
            stopped.await();
        }

        void close() throws IOException {
            socket.close();
        }
    }

    private final ServerSocket server;
    private final Script script;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private RawServer(ServerSocket server, Script script) {
        this.server = server;
        this.script = script;
        Thread acceptor = new Thread(this::accept, "raw-server-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static RawServer plain(Script script) throws IOException {
        return new RawServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), script);
    }

    /** Runs the scripts on the connections a server socket of the caller's making accepts (TLS ones, say). */
    static RawServer over(ServerSocket server, Script script) {
        return new RawServer(server, script);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                int index = accepted.size();
                accepted.add(socket);
                Thread t = new Thread(() -> serve(socket, index), "raw-server-" + index);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket, int index) {
        try (socket) {
            script.run(new Connection(socket), index);
        } catch (Exception e) {
            // the client went away; the test asserts on what the client saw
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + path);
    }

    int port() {
        return server.getLocalPort();
    }

    /** How many connections the server accepted so far. */
    int connections() {
        return accepted.size();
    }

    List<Request> requests() {
        return requests;
    }

    @Override
    public void close() throws IOException {
        stopped.countDown();
        server.close();
        for (Socket s : accepted) {
            s.close();
        }
    }

    static boolean await(CountDownLatch latch) throws InterruptedException {
        return latch.await(10, TimeUnit.SECONDS);
    }
}
