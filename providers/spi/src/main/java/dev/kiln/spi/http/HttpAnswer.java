package dev.kiln.spi.http;

import java.net.URI;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A server's answer: status, headers (names compare ignoring case), the body as text, and the URI asked. */
public record HttpAnswer(int status, Map<String, List<String>> headers, String body, URI uri) {

    public HttpAnswer {
        TreeMap<String, List<String>> sorted = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> sorted.put(name, List.copyOf(values)));
        headers = Collections.unmodifiableMap(sorted);
    }

    /** The first value of a header. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }
}
