package dev.kiln.oci;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed {@code WWW-Authenticate} header (RFC 7235 auth-params), e.g.
 * {@code Bearer realm="https://auth.docker.io/token",service="registry.docker.io"}.
 */
record Challenge(String scheme, Map<String, String> params) {

    static Optional<Challenge> parse(List<String> headers) {
        for (String h : headers) {
            Optional<Challenge> c = parse(h);
            if (c.isPresent() && c.get().scheme().equals("bearer")) {
                return c;
            }
        }
        return headers.isEmpty() ? Optional.empty() : parse(headers.get(0));
    }

    static Optional<Challenge> parse(String header) {
        String h = header.trim();
        int space = h.indexOf(' ');
        String scheme = (space < 0 ? h : h.substring(0, space)).toLowerCase(Locale.ROOT);
        if (scheme.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        int i = space < 0 ? h.length() : space + 1;
        while (i < h.length()) {
            int eq = h.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = h.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            int end;
            String value;
            if (eq + 1 < h.length() && h.charAt(eq + 1) == '"') {
                StringBuilder v = new StringBuilder();
                end = eq + 2;
                while (end < h.length() && h.charAt(end) != '"') {
                    if (h.charAt(end) == '\\' && end + 1 < h.length()) {
                        end++;
                    }
                    v.append(h.charAt(end++));
                }
                value = v.toString();
                end = h.indexOf(',', end);
            } else {
                end = h.indexOf(',', eq);
                value = (end < 0 ? h.substring(eq + 1) : h.substring(eq + 1, end)).trim();
            }
            params.put(key, value);
            i = end < 0 ? h.length() : end + 1;
        }
        return Optional.of(new Challenge(scheme, Map.copyOf(params)));
    }
}
