package dev.kiln.gcp;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.compute.v1.Errors;
import com.google.cloud.compute.v1.Operation;
import dev.kiln.api.KilnException;
import dev.kiln.api.Retry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one place SDK failures become operator messages. HTTP statuses follow the Compute and
 * Cloud Storage error references (cloud.google.com/compute/docs/api/how-tos/api-requests-responses,
 * cloud.google.com/storage/docs/json_api/v1/status-codes).
 */
final class GcpErrors {

    private GcpErrors() {
    }

    /**
     * Google answered with something kiln cannot read (no upload session URI, a Range header or body of
     * the wrong shape). Asking again would get the same answer, so it is never retried.
     */
    static final class Unreadable extends RuntimeException {
        Unreadable(String message) {
            super(message);
        }
    }

    /** No access token could be had from the credentials (a revoked key, an expired login). Not retried. */
    static final class NoToken extends RuntimeException {
        NoToken(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Which failures {@link dev.kiln.api.Retry} tries again, honouring Cloud Storage's Retry-After. */
    static Retry.Classifier classifier(Clock clock) {
        return e -> {
            if (!retryable(e)) {
                return Retry.Decision.fail();
            }
            int code = status(e);
            String why = code == 0 ? "no answer: " + serverMessage(e) : "HTTP " + code;
            return Retry.Decision.againAfter(why, retryAfter(e, clock));
        };
    }

    /** Compute's clients carry no Retry-After; Cloud Storage's client honours it itself. */
    private static Optional<Duration> retryAfter(Throwable e, Clock clock) {
        return Optional.empty();
    }

    /** The HTTP status behind an SDK failure, or 0 when the request never got an answer. */
    static int status(Throwable e) {
        if (e instanceof ApiException api) {
            return api.getStatusCode().getCode().getHttpStatusCode();
        }
        if (e instanceof com.google.cloud.BaseServiceException gcs && gcs.getCode() > 0) {
            return gcs.getCode();
        }
        return e.getCause() != null && e.getCause() != e ? status(e.getCause()) : 0;
    }

    /** Throttling and server-side trouble: worth another try after a pause. */
    static boolean retryable(Throwable e) {
        if (e instanceof KilnException || e instanceof Unreadable || e instanceof NoToken
                || cause(e, GcsConnections.ForeignUrl.class) != null || cause(e, GcsConnections.Aborted.class) != null) {
            return false;
        }
        com.google.auth.Retryable auth = tokenFailure(e);
        if (auth != null) {
            return auth.isRetryable();
        }
        int code = status(e);
        if (code == 0 && (untrusted(e) || proxyWantsCredentials(e))) {
            return false;
        }
        if (code == 0) {
            return e instanceof IOException || e instanceof UncheckedIOException
                    || e.getCause() instanceof IOException;
        }
        return code == 408 || code == 429 || code >= 500;
    }

    static boolean notFound(Throwable e) {
        return status(e) == 404;
    }

    static KilnException tried(String action, Throwable e) {
        if (e instanceof KilnException k) {
            return k;
        }
        int code = status(e);
        String said = serverMessage(e);
        if (e instanceof Unreadable) {
            return KilnException.tried(action, "Google's answer could not be read (" + said + ")",
                    "check proxies between here and Google, then run the command again", e);
        }
        Throwable foreign = cause(e, GcsConnections.ForeignUrl.class);
        if (foreign != null) {
            return KilnException.tried(action, "it was refused: " + KilnException.reason(foreign),
                    "check proxies between here and Google; a server that redirects uploads elsewhere is not Cloud"
                            + " Storage", e);
        }
        if (e instanceof NoToken) {
            return KilnException.tried(action, "no access token could be had from the credentials (" + said + ")",
                    "refresh them with 'gcloud auth application-default login' or pass a valid --keys file", e);
        }
        com.google.auth.Retryable auth = tokenFailure(e);
        if (auth != null) {
            // the token endpoint refused: the SDK wraps that as a 500 of the API call, which it is not
            return KilnException.tried(action, "Google's token endpoint gave no access token for the credentials ("
                    + KilnException.reason((Throwable) auth) + ")", "check the account is enabled and its key is valid; refresh"
                    + " them with 'gcloud auth application-default login' or pass a valid --keys file", e);
        }
        if (code == 407 || code == 0 && proxyWantsCredentials(e)) {
            return KilnException.tried(action, "the proxy asks for credentials (407)",
                    "put them in the proxy URL, HTTPS_PROXY=http://USER:PASSWORD@PROXY:PORT", e);
        }
        if (code == 0 && untrusted(e)) {
            return KilnException.tried(action, "the server's TLS certificate is not trusted (" + said + ")",
                    "if a proxy inspects TLS, give Java its CA: KILN_JAVA_OPTS='-Djavax.net.ssl.trustStore=FILE"
                            + " -Djavax.net.ssl.trustStorePassword=PASSWORD'", e);
        }
        return switch (code) {
            case 0 -> KilnException.tried(action, "GCP could not be reached (" + said + ")",
                    "check the network or proxy settings, then run the command again", e);
            case 401 -> KilnException.tried(action, "GCP rejected the credentials (401: " + said + ")",
                    "refresh them with 'gcloud auth application-default login' or pass a valid --keys file", e);
            case 403 -> KilnException.tried(action, "GCP denied permission (403: " + said + ")",
                    "grant the account Compute Image User/Storage Object Admin roles on the project and bucket,"
                            + " or use another --project", e);
            case 404 -> KilnException.tried(action, "GCP said it does not exist (404: " + said + ")",
                    "check the project, names and zone", e);
            case 409 -> KilnException.tried(action, "it already exists (409: " + said + ")",
                    "choose another --name or pass --if-exists replace", e);
            case 429 -> KilnException.tried(action, "GCP kept throttling the requests (429: " + said + ")",
                    "wait a minute and run the command again, or ask for a higher API quota", e);
            default -> KilnException.tried(action, "GCP answered " + code + ": " + said,
                    code >= 500 ? "this is on Google's side; run the command again later" : "", e);
        };
    }

    /**
     * The google-auth library's failure to get a token (its GoogleAuthException, which is not public, is the
     * IOException that says whether it is worth retrying), or null.
     */
    static com.google.auth.Retryable tokenFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof com.google.auth.Retryable r && t instanceof IOException) {
                return r;
            }
        }
        return null;
    }

    /** The first of {@code e} and its causes that is a {@code type}, or null. */
    static Throwable cause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return t;
            }
        }
        return null;
    }

    /** A CONNECT tunnel the proxy refused with 407 (the JDK reports it as an IOException, no status). */
    private static boolean proxyWantsCredentials(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m != null && m.contains("Unable to tunnel through proxy") && m.contains(" 407")) {
                return true;
            }
        }
        return false;
    }

    /** A TLS handshake that failed on the certificate (unknown CA, wrong host name), anywhere in the causes. */
    private static boolean untrusted(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof javax.net.ssl.SSLHandshakeException
                    || t instanceof java.security.cert.CertificateException
                    || t instanceof java.security.cert.CertPathValidatorException) {
                return true;
            }
        }
        return false;
    }

    /** An operation that finished with errors: GCE's own codes and messages, e.g. INVALID_IMAGE_FILE. */
    static KilnException operationFailed(String action, Operation op) {
        String errors = op.getError().getErrorsList().stream()
                .map(GcpErrors::describe)
                .collect(Collectors.joining("; "));
        if (errors.isEmpty()) {
            errors = op.getHttpErrorStatusCode() + " " + op.getHttpErrorMessage();
        }
        return KilnException.tried(action, "operation " + op.getName() + " ended in error: " + errors, hint(errors));
    }

    private static String describe(Errors e) {
        return e.getCode() + (e.getMessage().isEmpty() ? "" : ": " + e.getMessage());
    }

    private static String hint(String errors) {
        if (errors.contains("INVALID") && errors.toLowerCase().contains("tar")) {
            return "the file must be a gzip'd oldgnu tar holding one disk.raw; rebuild it with 'kiln build -f gcp'";
        }
        if (errors.contains("QUOTA")) {
            return "free some quota or ask for more in the Cloud console";
        }
        return "fix the cause above and run the command again";
    }

    private static String serverMessage(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            message = e.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        return newline > 0 ? message.substring(0, newline).trim() : message.trim();
    }

    /** A failed cleanup step in a few words. */
    static String brief(Exception e) {
        return e instanceof KilnException ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** The failure's message, followed by what cleanup did. */
    static KilnException report(Throwable failure, String action, String cleaned) {
        String suffix = cleaned.isEmpty() ? "" : " [cleanup: " + cleaned + "]";
        if (failure instanceof InterruptedException) {
            return KilnException.tried(action, "it was interrupted" + suffix, "", failure);
        }
        if (failure instanceof KilnException k) {
            return k.isUsage() ? k : new KilnException(k.getMessage() + suffix, k);
        }
        return new KilnException(tried(action, failure).getMessage() + suffix, failure);
    }
}
