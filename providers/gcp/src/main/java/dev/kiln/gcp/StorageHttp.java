package dev.kiln.gcp;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import dev.kiln.spi.http.Http1Client;
import dev.kiln.spi.http.HttpAnswer;
import dev.kiln.spi.http.HttpCall;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Plain HTTP(S) to the Cloud Storage JSON API (cloud.google.com/storage/docs/json_api) over kiln's
 * own {@link Http1Client}, used instead of Google's Storage client, which uploaded several times
 * slower than a plain PUT (and the JDK's HttpClient, which reached about 0.6-0.8 of curl's speed).
 * Every request carries the headers the credentials give ({@code Authorization: Bearer}, and
 * {@code x-goog-user-project} for a quota project), refreshed when the token is near expiry.
 * An error answer is a {@link Failure} with its status, no answer an {@link UncheckedIOException};
 * {@link GcpErrors} reads both.
 */
final class StorageHttp implements AutoCloseable {

    static final String GOOGLE = "https://storage.googleapis.com";
    /** Bills the credentials' quota project (cloud.google.com/apis/docs/system-parameters). */
    private static final String USER_PROJECT = "x-goog-user-project";

    /** An error answer from Cloud Storage: its HTTP status and the JSON API's message. */
    static final class Failure extends RuntimeException {

        private final int status;
        private final String retryAfter;

        Failure(int status, String message, String retryAfter) {
            super(message);
            this.status = status;
            this.retryAfter = retryAfter;
        }

        int status() {
            return status;
        }

        /** The Retry-After header as sent (seconds or an HTTP date), or null. */
        String retryAfter() {
            return retryAfter;
        }
    }

    private final Http1Client client;
    private final GoogleCredentials credentials;
    private final String base;

    StorageHttp(GoogleCredentials credentials, String base) {
        this.credentials = credentials;
        this.base = base.replaceAll("/+$", "");
        this.client = new Http1Client();
    }

    URI uri(String pathAndQuery) {
        return URI.create(base + pathAndQuery);
    }

    /** The JSON API's URI of one object (cloud.google.com/storage/docs/json_api/v1/objects/get). */
    URI object(String bucket, String object) {
        return uri("/storage/v1/b/" + encode(bucket) + "/o/" + encode(object));
    }

    /** Percent-encoding for a path segment or query value; a '/' in an object name becomes %2F. */
    static String encode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A request to {@code uri} with the credentials' headers and a timeout for the whole exchange. */
    HttpCall request(String method, URI uri, Duration timeout) {
        HttpCall call = HttpCall.of(method, uri, timeout);
        Map<String, List<String>> auth = authHeaders(uri);
        for (Map.Entry<String, List<String>> header : auth.entrySet()) {
            call = call.header(header.getKey(), String.join(", ", header.getValue()));
        }
        String quota = credentials.getQuotaProjectId();
        if (quota != null && auth.keySet().stream().noneMatch(USER_PROJECT::equalsIgnoreCase)) {
            call = call.header(USER_PROJECT, quota);
        }
        return call;
    }

    /** The answer, whatever its status; a request that got no answer is an {@link UncheckedIOException}. */
    HttpAnswer send(HttpCall call) throws InterruptedException {
        try {
            return client.send(call);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        client.close();
    }

    private Map<String, List<String>> authHeaders(URI uri) {
        try {
            return credentials.getRequestMetadata(uri);
        } catch (IOException e) {
            throw new GcpErrors.NoToken("could not get an access token: " + e.getMessage(), e);
        }
    }

    /** An error answer as the SDK would raise it, with the JSON API's message (storage/docs/json_api/v1/status-codes). */
    static Failure error(HttpAnswer answer) {
        return new Failure(answer.status(), message(answer), answer.header("Retry-After").orElse(null));
    }

    static JsonObject json(HttpAnswer answer) {
        try {
            return JsonParser.parseString(answer.body()).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new GcpErrors.Unreadable("answer " + answer.status() + " is not a JSON object: " + clip(answer.body()));
        }
    }

    private static String message(HttpAnswer answer) {
        try {
            JsonObject error = JsonParser.parseString(answer.body()).getAsJsonObject().getAsJsonObject("error");
            if (error != null && error.has("message")) {
                return error.get("message").getAsString();
            }
        } catch (JsonParseException | IllegalStateException | ClassCastException e) {
            // not the JSON API's error shape (a proxy's page, say): show the start of it instead
        }
        return answer.body().isBlank() ? "HTTP " + answer.status() : clip(answer.body());
    }

    private static String clip(String body) {
        String line = body.strip().replaceAll("\\s+", " ");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
