package dev.kiln.azure;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.management.exception.ManagementException;
import com.azure.storage.blob.models.BlobStorageException;
import dev.kiln.api.Retry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/** Azure failures in a few words, and which of them are worth another try. */
final class AzureErrors {

    private static final Set<Integer> TRANSIENT = Set.of(408, 429, 500, 502, 503, 504);

    private AzureErrors() {
    }

    /** Throttling, server errors and broken connections are tried again; everything else fails at once. */
    static Retry.Decision classify(Exception e) {
        if (e instanceof com.azure.core.exception.ClientAuthenticationException) {
            return Retry.Decision.fail();
        }
        if (e instanceof HttpResponseException h && h.getResponse() != null) {
            int status = h.getResponse().getStatusCode();
            if (!TRANSIENT.contains(status)) {
                return Retry.Decision.fail();
            }
            Optional<java.time.Duration> after = Optional.ofNullable(h.getResponse().getHeaderValue("Retry-After"))
                    .flatMap(v -> Retry.retryAfter(v, Clock.systemUTC()));
            return Retry.Decision.againAfter(reason(e), after);
        }
        if (isConnection(e)) {
            return Retry.Decision.again(reason(e));
        }
        return Retry.Decision.fail();
    }

    static boolean notFound(Exception e) {
        return e instanceof HttpResponseException h && h.getResponse() != null && h.getResponse().getStatusCode() == 404;
    }

    private static boolean isConnection(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof UncheckedIOException) {
                return true;
            }
        }
        return false;
    }

    /** "HTTP 409 Conflict: OperationNotAllowed (the disk is in ActiveUpload)", or the root cause's message. */
    static String reason(Exception e) {
        if (e instanceof ManagementException m && m.getValue() != null) {
            return "HTTP " + m.getResponse().getStatusCode() + " " + m.getValue().getCode() + ": " + m.getValue().getMessage();
        }
        if (e instanceof BlobStorageException b) {
            return "HTTP " + b.getStatusCode() + " " + b.getErrorCode();
        }
        if (e instanceof HttpResponseException h && h.getResponse() != null) {
            return "HTTP " + h.getResponse().getStatusCode() + " " + firstLine(h.getMessage());
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    /** What an operator can do about an ARM refusal of a run: quota, capacity, a name in use, missing rights. */
    static String remedy(Exception e, String group) {
        String code = e instanceof ManagementException m && m.getValue() != null ? m.getValue().getCode() : "";
        String text = (code + " " + reason(e)).toLowerCase(java.util.Locale.ROOT);
        int status = e instanceof HttpResponseException h && h.getResponse() != null ? h.getResponse().getStatusCode() : 0;
        if (text.contains("quota")) {
            return "ask for more quota (portal: Subscriptions > Usage + quotas) or pick a smaller --size or another "
                    + "--location";
        }
        if (text.contains("skunotavailable") || text.contains("allocationfailed") || text.contains("capacity")) {
            return "pick another --size or --location";
        }
        if (status == 401 || status == 403 || text.contains("authorizationfailed")) {
            return "the signed-in principal needs the Contributor role (or Virtual Machine Contributor and Network "
                    + "Contributor) on resource group " + group;
        }
        if (status == 409) {
            return "something else holds that name or is changing it; wait and retry, or pass another --name";
        }
        return "";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
