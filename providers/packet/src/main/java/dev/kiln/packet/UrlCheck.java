package dev.kiln.packet;

import dev.kiln.api.KilnException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Asks each URL a booting machine will fetch, without credentials, as iPXE does, whether it answers: a HEAD, as
 * LinuxKit's run does; for a presigned URL a GET of its first byte, since its signature covers the method GET and
 * S3 refuses a HEAD with it. Presigned URLs are written without their query in messages: they are credentials.
 */
final class UrlCheck {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15))
            .followRedirects(HttpClient.Redirect.NORMAL).build();
    private final Map<String, String> urls = new LinkedHashMap<>();

    /** Adds a URL under a role ("kernel"). */
    UrlCheck url(String role, String url) {
        urls.put(role, url);
        return this;
    }

    /** Fails, naming every URL that did not answer 200 or 206 and why, with {@code remedy} as what to do. */
    void require(String tried, String remedy) throws InterruptedException {
        List<String> failed = new ArrayList<>();
        for (Map.Entry<String, String> e : urls.entrySet()) {
            String problem = problem(e.getValue());
            if (problem != null) {
                failed.add(e.getKey() + " " + shown(e.getValue()) + " " + problem);
            }
        }
        if (!failed.isEmpty()) {
            throw KilnException.tried(tried, String.join(", ", failed), remedy);
        }
    }

    /** Null when the URL answers, else why not. */
    private String problem(String url) throws InterruptedException {
        boolean presigned = url.contains("X-Amz-Signature=");
        HttpRequest.Builder req;
        try {
            req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        } catch (IllegalArgumentException e) {
            return "is not a URL";
        }
        HttpRequest request = presigned ? req.header("Range", "bytes=0-0").GET().build()
                : req.method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
        try {
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status == 200 || status == 206 ? null
                    : "answered " + status + " to " + (presigned ? "GET" : "HEAD") + statusHint(status);
        } catch (IOException e) {
            return "could not be reached (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
        }
    }

    private static String statusHint(int status) {
        return status == 403 || status == 401 ? " (not readable without credentials)"
                : status == 404 ? " (not there)" : "";
    }

    /** A URL as messages may show it: without the query that makes a presigned URL a credential. */
    static String shown(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?…";
    }
}
