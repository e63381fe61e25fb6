package dev.kiln.oci;

import dev.kiln.api.Events;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP exchange with a registry or its token or storage host, over the JDK's
 * {@link HttpURLConnection} (its pooled keep-alive connections and the JVM's proxy selector).
 * Every read waits at most the idle timeout (a socket read timeout), and every request ends at
 * its deadline, when a watchdog closes its connection. Hosts the operator named insecure are
 * reached without certificate checks, or over plain HTTP when they do not speak TLS.
 */
final class Transport {

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kiln-registry-deadline");
        t.setDaemon(true);
        return t;
    });

    /** An answer; its body must be closed, which hands a fully read connection back to the pool. */
    record Response(URI uri, int status, Map<String, List<String>> headers, InputStream body, Runnable abort)
            implements AutoCloseable {

        Optional<String> header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }

        List<String> headers(String name) {
            return headers.getOrDefault(name, List.of());
        }

        OptionalLong contentLength() {
            try {
                return header("Content-Length").map(v -> OptionalLong.of(Long.parseLong(v.trim()))).orElse(OptionalLong.empty());
            } catch (NumberFormatException e) {
                return OptionalLong.empty();
            }
        }

        /** Closes the connection instead of reading the rest: for a body that is refused part-way. */
        void discard() {
            abort.run();
            try {
                body.close();
            } catch (IOException e) {
                // the connection is gone either way
            }
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    private final List<Path> certFiles;
    private final InsecureRegistries insecure;
    private final Duration idle;
    private final Events events;
    private final Set<String> plainHttp = ConcurrentHashMap.newKeySet();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private volatile SSLSocketFactory trusted;
    private volatile SSLSocketFactory unverified;

    Transport(List<Path> certFiles, InsecureRegistries insecure, Duration idle, Events events) {
        this.certFiles = List.copyOf(certFiles);
        this.insecure = insecure;
        this.idle = idle;
        this.events = events;
    }

    /** Sends one request ({@code body} null for none) that must complete within {@code deadline}. */
    Response send(String method, URI uri, Map<String, String> headers, byte[] body, Duration deadline)
            throws IOException {
        URI target = plainHttp.contains(uri.getRawAuthority()) ? withScheme(uri, "http") : uri;
        try {
            return exchange(method, target, headers, body, deadline);
        } catch (SSLException e) {
            if (!target.getScheme().equals("https") || !insecure.covers(target)) {
                throw e;
            }
            // Docker's rule for insecure registries: a host that does not speak TLS is spoken to in plain HTTP
            plainHttp.add(uri.getRawAuthority());
            return exchange(method, withScheme(uri, "http"), headers, body, deadline);
        }
    }

    private Response exchange(String method, URI uri, Map<String, String> headers, byte[] body, Duration deadline)
            throws IOException {
        HttpURLConnection conn = open(uri);
        conn.setRequestMethod(method);
        conn.setInstanceFollowRedirects(false);
        conn.setUseCaches(false);
        int millis = (int) Math.min(Integer.MAX_VALUE, idle.toMillis());
        conn.setConnectTimeout(millis);
        conn.setReadTimeout(millis);
        headers.forEach(conn::setRequestProperty);
        Watch watch = new Watch(conn, uri, deadline);
        try {
            if (body != null) {
                conn.setDoOutput(true);
                conn.setFixedLengthStreamingMode(body.length);
                try (OutputStream out = conn.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = conn.getResponseCode();
            InputStream in = status >= 400 ? conn.getErrorStream() : conn.getInputStream();
            Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            conn.getHeaderFields().forEach((k, v) -> {
                if (k != null) {
                    copy.put(k, List.copyOf(v));
                }
            });
            return new Response(uri, status, copy, watch.body(in == null ? InputStream.nullInputStream() : in),
                    conn::disconnect);
        } catch (IOException e) {
            watch.cancel();
            throw watch.translate(e);
        } catch (RuntimeException e) {
            watch.cancel();
            throw e;
        }
    }

    private HttpURLConnection open(URI uri) throws IOException {
        HttpURLConnection conn = (HttpURLConnection) uri.toURL().openConnection();
        boolean loose = insecure.covers(uri);
        if (loose && warned.add(uri.getScheme() + "://" + uri.getRawAuthority())) {
            events.warn("INSECURE: " + uri.getRawAuthority() + " is named by --insecure-registry, so kiln talks to it "
                    + (uri.getScheme().equals("https") ? "without verifying its TLS certificate" : "over plain HTTP, unencrypted")
                    + "; anyone on the network path can read or change what it sends");
        }
        if (conn instanceof HttpsURLConnection https) {
            if (loose) {
                https.setSSLSocketFactory(unverified());
                https.setHostnameVerifier(ANY_HOST);
            } else if (!certFiles.isEmpty()) {
                https.setSSLSocketFactory(trusted());
            }
        }
        return conn;
    }

    private SSLSocketFactory trusted() {
        if (trusted == null) {
            trusted = TrustedCertificates.sslContext(certFiles).getSocketFactory();
        }
        return trusted;
    }

    private SSLSocketFactory unverified() {
        if (unverified == null) {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {TRUST_ALL}, null);
                unverified = context.getSocketFactory();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("TLS is not available in this JVM", e);
            }
        }
        return unverified;
    }

    private static URI withScheme(URI uri, String scheme) {
        return URI.create(scheme + uri.toString().substring(uri.getScheme().length()));
    }

    private static final HostnameVerifier ANY_HOST = (host, session) -> true;

    private static final X509TrustManager TRUST_ALL = new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // only used for hosts the operator named with --insecure-registry
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // only used for hosts the operator named with --insecure-registry
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    };

    /** Ends a request at its deadline by closing its connection, and names what happened. */
    private final class Watch {
        private final HttpURLConnection conn;
        private final URI uri;
        private final Duration deadline;
        private final ScheduledFuture<?> alarm;
        private volatile boolean expired;

        Watch(HttpURLConnection conn, URI uri, Duration deadline) {
            this.conn = conn;
            this.uri = uri;
            this.deadline = deadline;
            this.alarm = WATCHDOG.schedule(() -> {
                expired = true;
                conn.disconnect();
            }, deadline.toMillis(), TimeUnit.MILLISECONDS);
        }

        void cancel() {
            alarm.cancel(false);
        }

        IOException translate(IOException e) {
            if (expired) {
                return new SocketTimeoutException(uri.getRawAuthority() + " did not finish answering within the "
                        + seconds(deadline) + " deadline of one request");
            }
            if (e instanceof SocketTimeoutException) {
                return new SocketTimeoutException(uri.getRawAuthority() + " sent nothing for " + seconds(idle)
                        + " (idle timeout)");
            }
            return e;
        }

        InputStream body(InputStream in) {
            return new FilterInputStream(in) {
                @Override
                public int read() throws IOException {
                    try {
                        return super.read();
                    } catch (IOException e) {
                        throw translate(e);
                    }
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    try {
                        return super.read(b, off, len);
                    } catch (IOException e) {
                        throw translate(e);
                    }
                }

                @Override
                public void close() throws IOException {
                    cancel();
                    try {
                        super.close();
                    } catch (IOException e) {
                        throw translate(e);
                    }
                }
            };
        }
    }

    static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
