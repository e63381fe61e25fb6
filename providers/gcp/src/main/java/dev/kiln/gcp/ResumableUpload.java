package dev.kiln.gcp;

import com.google.gson.JsonObject;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;

import dev.kiln.spi.http.HttpAnswer;
import dev.kiln.spi.http.HttpBody;
import dev.kiln.spi.http.HttpCall;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One resumable upload with the JSON API (cloud.google.com/storage/docs/performing-resumable-uploads):
 * POST opens a session (its URI comes back in {@code Location}); PUTs of {@code chunkSize} bytes with
 * {@code Content-Range: bytes a-b/*} follow (chunk size 0: one PUT of the rest), the last one with the
 * total, and each 308 says in {@code Range: bytes=0-N} how much the server committed (no Range: nothing). After a fault kiln
 * waits, asks with {@code bytes *}{@code /total} and goes on from the committed offset, reading
 * the file again from there. Any failure or interrupt cancels the session (DELETE, answered 499),
 * so no half-written object is left.
 */
final class ResumableUpload {

    private static final Pattern COMMITTED = Pattern.compile("bytes=0-(\\d+)");
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private sealed interface Answer permits Done, Committed {}

    private record Done(StoredObject object) implements Answer {}

    private record Committed(long bytes) implements Answer {}

    private final StorageHttp http;
    private final int chunkSize;
    private final Remote remote;
    private final Events events;

    ResumableUpload(StorageHttp http, int chunkSize, Remote remote, Events events) {
        this.http = http;
        this.chunkSize = chunkSize;
        this.remote = remote;
        this.events = events;
    }

    /** Uploads the whole file as {@code gs://bucket/object} unless an object of that name exists (412). */
    StoredObject upload(UploadFile file, String bucket, String object, Map<String, String> metadata, String action)
            throws InterruptedException {
        URI session = remote.attempt(action, () -> start(file, bucket, object, metadata));
        try {
            return transfer(session, file, "upload " + object, action);
        } catch (InterruptedException | RuntimeException e) {
            cancel(session);
            throw e;
        }
    }

    private URI start(UploadFile file, String bucket, String object, Map<String, String> metadata)
            throws InterruptedException {
        JsonObject resource = new JsonObject();
        resource.addProperty("name", object);
        resource.addProperty("contentType", "application/gzip");
        JsonObject labels = new JsonObject();
        metadata.forEach(labels::addProperty);
        resource.add("metadata", labels);
        HttpCall request = http.request("POST", http.uri("/upload/storage/v1/b/" + StorageHttp.encode(bucket)
                        + "/o?uploadType=resumable&ifGenerationMatch=0&name=" + StorageHttp.encode(object)), CALL_TIMEOUT)
                .header("Content-Type", "application/json; charset=UTF-8")
                .header("X-Upload-Content-Type", "application/gzip")
                .header("X-Upload-Content-Length", String.valueOf(file.size()))
                .body(HttpBody.of(resource.toString()));
        HttpAnswer answer = http.send(request);
        if (answer.status() != 200) {
            throw StorageHttp.error(answer);
        }
        return answer.header("Location").map(URI::create).orElseThrow(() ->
                new StorageHttp.Failure(502, "the upload session was opened without a Location header"));
    }

    private StoredObject transfer(URI session, UploadFile file, String task, String action)
            throws InterruptedException {
        long offset = 0;
        boolean known = true;
        events.bytes(task, 0, file.size());
        for (int failures = 0; ; ) {
            Remote.checkInterrupt();
            Answer answer;
            try {
                answer = known ? put(session, file, offset, task) : query(session, file.size());
            } catch (RuntimeException e) {
                if (!GcpErrors.retryable(e) || !remote.pause(action, ++failures, describe(e))) {
                    throw e;
                }
                known = false;
                continue;
            }
            if (answer instanceof Done done) {
                events.bytes(task, file.size(), file.size());
                return done.object();
            }
            long committed = ((Committed) answer).bytes();
            if (known && committed <= offset) {
                if (!remote.pause(action, ++failures, "a chunk the server kept none of (committed " + committed + ")")) {
                    throw KilnException.tried(action, "the server kept accepting chunks at offset " + offset
                            + " without committing them", "run the command again later");
                }
            } else if (known) {
                failures = 0;
            }
            offset = committed;
            known = true;
            events.bytes(task, offset, file.size());
        }
    }

    /**
     * The next chunk from {@code offset} (with chunk size 0, the rest of the file); the last one names
     * the total, which makes the server finish. The call's timeout is for silence, not for the whole
     * chunk, so a large request on a slow link is fine and a stalled one ends in a minute.
     */
    private Answer put(URI session, UploadFile file, long offset, String task) throws InterruptedException {
        long size = file.size();
        long length = chunkSize == 0 ? size - offset : Math.min(chunkSize, size - offset);
        if (length == 0) {
            return query(session, size);
        }
        String range = "bytes " + offset + "-" + (offset + length - 1) + "/" + (offset + length == size ? size : "*");
        HttpBody body = file.body(offset, length, sent -> events.bytes(task, sent, size));
        return answer(http.send(http.request("PUT", session, CALL_TIMEOUT).header("Content-Range", range).body(body)),
                size);
    }

    /** Asks what the session holds; with the total named, a session holding it all finishes and answers 200. */
    private Answer query(URI session, long size) throws InterruptedException {
        return answer(http.send(http.request("PUT", session, CALL_TIMEOUT).header("Content-Range", "bytes */" + size)),
                size);
    }

    private Answer answer(HttpAnswer answer, long size) {
        int status = answer.status();
        if (status == 200 || status == 201) {
            return new Done(StoredObject.of(StorageHttp.json(answer)));
        }
        if (status == 308) {
            long committed = answer.header("Range").map(ResumableUpload::committed).orElse(0L);
            if (committed > size) {
                throw KilnException.tried("upload to " + answer.uri().getHost(), "the server says it holds "
                        + committed + " bytes of a " + size + "-byte file", "check proxies between here and Google");
            }
            return new Committed(committed);
        }
        if (status == 404 || status == 410) {
            throw KilnException.tried("continue the upload", "the upload session is gone (" + status
                    + ": " + StorageHttp.error(answer).getMessage() + ")", "run the command again");
        }
        throw StorageHttp.error(answer);
    }

    private static long committed(String range) {
        Matcher m = COMMITTED.matcher(range.trim());
        if (!m.matches()) {
            throw new StorageHttp.Failure(502, "unexpected Range header in a 308 answer: " + range);
        }
        return Long.parseLong(m.group(1)) + 1;
    }

    /** Best effort: the session also expires by itself after a week. */
    private void cancel(URI session) {
        boolean interrupted = Thread.interrupted();
        try {
            int status = http.send(http.request("DELETE", session, CALL_TIMEOUT)).status();
            events.debug("upload session cancelled (" + status + ")");
        } catch (RuntimeException | InterruptedException e) {
            events.debug("could not cancel the upload session: " + e.getMessage());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String describe(RuntimeException e) {
        int status = GcpErrors.status(e);
        return status == 0 ? String.valueOf(e.getMessage()) : "HTTP " + status;
    }

}
