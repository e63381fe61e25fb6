package dev.kiln.gcp;

import com.google.api.client.http.javanet.ConnectionFactory;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * Opens the connections google-cloud-storage's HTTP transport sends requests on (the JDK's
 * {@link HttpURLConnection}, so the JVM's proxy settings and {@link java.net.Authenticator} apply),
 * with three rules of kiln's:
 * <ul>
 * <li>only the Cloud Storage origin (scheme, host and port) kiln was pointed at is ever connected to:
 * a URL the server hands back (the upload session's {@code Location}) on another host or scheme is
 * refused before a byte, header or token is sent ({@link ForeignUrl});</li>
 * <li>the upload session's URI is remembered, so a failed or cancelled upload can be cancelled on the server;</li>
 * <li>{@link #abort} (Ctrl-C) drops the connections in flight and refuses new ones until {@link #reopen},
 * so a blocked chunk ends at once and the library does not try it again.</li>
 * </ul>
 */
final class GcsConnections implements ConnectionFactory {

    /** A URL on another origin than the configured Cloud Storage endpoint; never retried. */
    static final class ForeignUrl extends RuntimeException {
        ForeignUrl(String message) {
            super(message, null, false, false);
        }
    }

    /** A connection asked for after {@link #abort}; never retried. */
    static final class Aborted extends RuntimeException {
        Aborted() {
            super("the upload was cancelled", null, false, false);
        }
    }

    private final URI origin;
    private final Deque<HttpURLConnection> recent = new ArrayDeque<>();
    private boolean aborted;
    private String session;

    GcsConnections(URI endpoint) {
        this.origin = endpoint;
    }

    @Override
    public HttpURLConnection openConnection(URL url) throws IOException {
        if (!sameOrigin(url)) {
            throw new ForeignUrl("Cloud Storage named a URL on another host or scheme (" + url.getProtocol() + "://"
                    + url.getAuthority() + url.getPath() + "); kiln sends credentials and data only to "
                    + origin.getScheme() + "://" + origin.getAuthority());
        }
        HttpURLConnection c = (HttpURLConnection) url.openConnection();
        synchronized (this) {
            if (aborted) {
                throw new Aborted();
            }
            String query = url.getQuery();
            if (query != null && query.contains("upload_id=")) {
                session = url.toString();
            }
            recent.addLast(c);
            if (recent.size() > 8) {
                recent.removeFirst();
            }
        }
        return c;
    }

    private boolean sameOrigin(URL url) {
        return url.getProtocol().equalsIgnoreCase(origin.getScheme())
                && url.getHost().toLowerCase(Locale.ROOT).equals(origin.getHost().toLowerCase(Locale.ROOT))
                && port(url.getPort(), url.getProtocol()) == port(origin.getPort(), origin.getScheme());
    }

    private static int port(int port, String scheme) {
        return port != -1 ? port : scheme.equalsIgnoreCase("https") ? 443 : 80;
    }

    /** Forgets the last upload session; called before an upload starts. */
    synchronized void newUpload() {
        session = null;
    }

    /** The session URI of the current upload, once its first data request was made; null before. */
    synchronized String session() {
        return session;
    }

    /** Drops the connections in flight (a blocked request fails at once) and refuses new ones. */
    void abort() {
        HttpURLConnection[] drop;
        synchronized (this) {
            aborted = true;
            drop = recent.toArray(new HttpURLConnection[0]);
            recent.clear();
        }
        for (HttpURLConnection c : drop) {
            c.disconnect();
        }
    }

    synchronized boolean aborted() {
        return aborted;
    }

    /** Allows connections again (for the cleanup after an aborted upload). */
    synchronized void reopen() {
        aborted = false;
    }
}
