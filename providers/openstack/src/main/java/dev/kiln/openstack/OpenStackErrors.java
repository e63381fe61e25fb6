package dev.kiln.openstack;

import dev.kiln.api.KilnException;
import dev.kiln.api.Retry;

import java.time.Clock;
import java.util.Set;

/** Turns API failures into what an operator reads, and says which are worth another try. */
final class OpenStackErrors {

    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "DELETE");

    private OpenStackErrors() {
    }

    /** Retries only idempotent calls, on no answer, 429 and 5xx, honouring Retry-After. */
    static Retry.Classifier classifier(Clock clock) {
        return e -> {
            if (e instanceof OpenStackApiException a && IDEMPOTENT.contains(a.method())
                    && (a.status() == 0 || a.status() == 429 || a.status() >= 500)) {
                return Retry.Decision.againAfter("HTTP " + a.status(), a.retryAfter()
                        .flatMap(v -> Retry.retryAfter(v, clock)));
            }
            return Retry.Decision.fail();
        };
    }

    static KilnException toKiln(String action, RuntimeException e) {
        if (e instanceof KilnException k) {
            return k;
        }
        if (e instanceof OpenStackApiException a) {
            return KilnException.tried(action, a.getMessage(), remedy(a), a);
        }
        return KilnException.tried(action, KilnException.reason(e), "", e);
    }

    static String remedy(OpenStackApiException a) {
        return switch (a.status()) {
            case 0 -> "check the endpoint is reachable from here (--region, --interface, the catalog)";
            case 401 -> "check the credentials (clouds.yaml, secure.yaml or OS_*)";
            case 403 -> "the project's role does not allow this; ask the cloud's operator";
            case 404 -> "check the name or id";
            case 409 -> "the resource is busy or in the wrong state; try again";
            case 413 -> "the project's quota or Glance's image_size_cap is too small for this image";
            default -> a.status() >= 500 ? "the service failed; try again later" : "";
        };
    }

    /** A few words for a failed cleanup step. */
    static String reason(Exception e) {
        if (e instanceof OpenStackApiException a) {
            return a.status() == 0 ? "no answer" : "HTTP " + a.status();
        }
        return e.getClass().getSimpleName();
    }
}
