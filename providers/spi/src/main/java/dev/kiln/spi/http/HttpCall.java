package dev.kiln.spi.http;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One HTTP request: method, URI, headers (in order, one value each), body, and how long the
 * exchange may go without a byte moving either way (connecting included) before it is given up.
 * Immutable; {@link #header} and {@link #body} return copies.
 */
public record HttpCall(String method, URI uri, Map<String, String> headers, HttpBody body, Duration timeout) {

    /** Refuses a method or header that could end the request head early and smuggle in another one. */
    public HttpCall {
        if (!token(method)) {
            throw new IllegalArgumentException("not a valid HTTP method: " + method);
        }
        headers.forEach(HttpCall::check);
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    public static HttpCall of(String method, URI uri, Duration timeout) {
        return new HttpCall(method, uri, Map.of(), HttpBody.none(), timeout);
    }

    /** Adds a header, or replaces one of the same name (names compare ignoring case). */
    public HttpCall header(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.keySet().removeIf(name::equalsIgnoreCase);
        copy.put(name, value);
        return new HttpCall(method, uri, copy, body, timeout);
    }

    public HttpCall body(HttpBody newBody) {
        return new HttpCall(method, uri, headers, newBody, timeout);
    }

    private static void check(String name, String value) {
        if (!token(name) || value.chars().anyMatch(c -> c == '\r' || c == '\n')) {
            throw new IllegalArgumentException("not a valid header: " + name);
        }
    }

    /** Printable ASCII without spaces or colons: enough to keep a method or name on its own (RFC 9110 5.1, 9.1). */
    private static boolean token(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c > ' ' && c != ':' && c <= '~');
    }

    /** "PUT host/path", for messages: no query (it may carry an upload id), no credentials. */
    public String describe() {
        return method + " " + uri.getHost() + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }
}
