package dev.kiln.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.kiln.api.CancelToken;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.api.Tls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The few REST calls kiln makes, over the JDK client: JSON in and out, the token in {@code X-Auth-Token}, and
 * every call abandoned at once when the command is cancelled.
 */
final class OpenStackHttp {

    static final ObjectMapper JSON = new ObjectMapper();

    /** What came back. */
    record Reply(int status, java.net.http.HttpHeaders headers, JsonNode body) {
        Optional<String> header(String name) {
            return headers.firstValue(name);
        }
    }

    private final HttpClient client;
    private final CancelToken cancel;
    /** Whose CA certificates vouch for the servers, for the message when one is not trusted. */
    private final String trust;
    private volatile String token = "";

    OpenStackHttp(CloudAuth auth, CancelToken cancel, Events events) {
        this.cancel = cancel;
        this.trust = auth.cacert().map(f -> "the CA certificates in " + f + " (--cacert/OS_CACERT) do")
                .orElse("Java's default CA certificates do");
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1);
        if (auth.insecure()) {
            events.warn("--insecure: TLS certificates of Keystone and the services are NOT verified; anyone on the "
                    + "path can read the token and the image");
            b.sslContext(trustAll());
        } else if (auth.cacert().isPresent()) {
            b.sslContext(trusting(Path.of(auth.cacert().get())));
        }
        this.client = b.build();
    }

    private OpenStackHttp(HttpClient client, String trust, String token, CancelToken cancel) {
        this.client = client;
        this.trust = trust;
        this.cancel = cancel;
        this.token = token;
    }

    /** The same client and token on {@code cleanup}, a token Ctrl-C does not trip: for the cleanup after it. */
    OpenStackHttp detached(CancelToken cleanup) {
        return new OpenStackHttp(client, trust, token, cleanup);
    }

    void token(String value) {
        token = value;
    }

    Reply json(String method, String url, JsonNode body) throws InterruptedException {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body.toString());
        String type = method.equals("PATCH") ? "application/openstack-images-v2.1-json-patch" : "application/json";
        return send(method, url, publisher, type);
    }

    /** A GET with extra headers, e.g. a Nova microversion ({@code X-OpenStack-Nova-API-Version}). */
    Reply get(String url, String... headers) throws InterruptedException {
        return send("GET", url, HttpRequest.BodyPublishers.noBody(), "application/json", headers);
    }

    /** Sends {@code publisher} as the body; any non-2xx answer is an {@link OpenStackApiException}. */
    Reply send(String method, String url, HttpRequest.BodyPublisher publisher, String contentType,
               String... headers) throws InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).method(method, publisher)
                .header("Accept", "application/json").header("User-Agent", "kiln");
        if (headers.length > 0) {
            b.headers(headers);
        }
        if (!contentType.isEmpty()) {
            b.header("Content-Type", contentType);
        }
        if (!token.isEmpty()) {
            b.header("X-Auth-Token", token);
        }
        HttpResponse<InputStream> response = await(client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofInputStream()),
                method + " " + url);
        JsonNode node;
        try (InputStream in = response.body()) {
            byte[] bytes = in.readAllBytes();
            node = bytes.length == 0 ? NullNode.getInstance() : parse(bytes);
        } catch (IOException e) {
            throw new OpenStackApiException(method, url, 0, "the answer broke off: " + KilnException.reason(e), e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new OpenStackApiException(method, url, response.statusCode(), message(node), null,
                    response.headers().firstValue("Retry-After"));
        }
        return new Reply(response.statusCode(), response.headers(), node);
    }

    private <T> HttpResponse<T> await(CompletableFuture<HttpResponse<T>> future, String what) throws InterruptedException {
        try (CancelToken.Registration r = cancel.onCancel(() -> future.cancel(true))) {
            return future.get();
        } catch (CancellationException e) {
            throw (InterruptedException) new InterruptedException("cancelled during " + what).initCause(e);
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cancel.isCancelled() || cause instanceof CancellationException) {
                throw (InterruptedException) new InterruptedException("cancelled during " + what).initCause(cause);
            }
            if (cause instanceof OpenStackApiException o) {
                throw o;
            }
            Throwable untrusted = untrusted(cause);
            if (untrusted != null) {
                URI uri = URI.create(what.substring(what.indexOf(' ') + 1));
                throw KilnException.tried(what, "the TLS certificate of " + uri.getHost() + ":" + uri.getPort()
                        + " failed verification: " + trust + " not vouch for it (" + untrusted.getMessage()
                        + "); nothing was sent to it", "pass --cacert FILE (or OS_CACERT, or cacert in clouds.yaml) "
                        + "with the PEM of the CA that signed it; --insecure skips the check but lets anyone on the "
                        + "path read the credentials and token", cause);
            }
            throw new OpenStackApiException(what.substring(0, what.indexOf(' ')), what.substring(what.indexOf(' ') + 1),
                    0, cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()),
                    cause);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The certificate failure (unknown CA, expired, wrong host name) among the causes of a failed call, or null. */
    private static Throwable untrusted(Throwable e) {
        Throwable handshake = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.security.cert.CertificateException
                    || t instanceof java.security.cert.CertPathValidatorException) {
                return t;
            }
            if (t instanceof javax.net.ssl.SSLHandshakeException && handshake == null) {
                handshake = t;
            }
        }
        return handshake;
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(new String(bytes, 0, Math.min(bytes.length, 400),
                    java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** The text an OpenStack error body carries, in any of the shapes the services use. */
    static String message(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "";
        }
        if (node.isTextual()) {
            return node.asText().replaceAll("<[^>]+>", " ").replaceAll("\\s+", " ").trim();
        }
        if (node.has("error")) {
            JsonNode e = node.get("error");
            return e.path("message").asText(e.asText());
        }
        if (node.has("message")) {
            return node.get("message").asText();
        }
        var fields = node.fields();
        if (fields.hasNext()) {
            JsonNode inner = fields.next().getValue();
            if (inner.has("message")) {
                return inner.get("message").asText();
            }
        }
        return node.toString();
    }

    /**
     * Trusts any certificate for any host name. An {@link X509ExtendedTrustManager}, so the JDK does not wrap it
     * in its own host name check (a plain X509TrustManager would still refuse a certificate for another name).
     */
    private static SSLContext trustAll() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[]{new X509ExtendedTrustManager() {
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
                }

                public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
                }

                public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
                }

                public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
                }

                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Only the CA certificates in {@code pem}, as the OpenStack clients' --cacert. */
    private static SSLContext trusting(Path pem) {
        try {
            return Tls.trustingOnly(pem);
        } catch (Exception e) {
            throw KilnException.usage("Cannot read the CA certificates in " + pem + " (--cacert/OS_CACERT): "
                    + KilnException.reason(e));
        }
    }
}
