package dev.kiln.openstack;

import java.util.Optional;

/** An OpenStack API call that failed: the HTTP status (0 when no answer came) and the service's message. */
final class OpenStackApiException extends RuntimeException {

    private final String method;
    private final int status;
    private final String detail;
    private final Optional<String> retryAfter;

    OpenStackApiException(String method, String url, int status, String detail, Throwable cause) {
        this(method, url, status, detail, cause, Optional.empty());
    }

    OpenStackApiException(String method, String url, int status, String detail, Throwable cause,
                          Optional<String> retryAfter) {
        super(method + " " + path(url) + (status == 0 ? " failed" : " answered HTTP " + status)
                + (detail.isBlank() ? "" : ": " + detail), cause);
        this.method = method;
        this.status = status;
        this.detail = detail;
        this.retryAfter = retryAfter;
    }

    /** Without the query: a query may name a digest, never a secret, but keep messages short. */
    private static String path(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    String method() {
        return method;
    }

    int status() {
        return status;
    }

    String detail() {
        return detail;
    }

    Optional<String> retryAfter() {
        return retryAfter;
    }
}
