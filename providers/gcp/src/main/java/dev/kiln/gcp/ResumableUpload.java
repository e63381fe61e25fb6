package dev.kiln.gcp;

import com.google.gson.JsonObject;
import dev.kiln.api.CancelToken;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.api.Retry;

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
 * total, and each 308 says in {@code Range: bytes=0-N} how much the server committed (no Range: nothing).
 * After a fault kiln waits ({@link GcpCalls#upload}), asks with {@code bytes *}{@code /total} and goes on
 * from the committed offset, reading the file again from there. Any failure, interrupt or Ctrl-C cancels
 * the session (DELETE, answered 499), so no half-written object is left; Ctrl-C interrupts a blocked
 * request, which kiln's HTTP client ends at once.
 */
final class ResumableUpload {

    private static final Pattern COMMITTED = Pattern.compile("bytes=0-(\\d+)");
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private sealed interface Answer permits Done, Committed {}

    private record Done(StoredObject object) implements Answer {}

    private record Committed(long bytes) implements Answer {}

    /** A chunk the server kept none of: worth sending again after a pause, up to the policy's attempts. */
    private static final class NoProgress extends RuntimeException {
        NoProgress(long offset) {
            super("a chunk at offset " + offset + " the server kept none of", null, false, false);
        }
    }

    private final StorageHttp http;
    private final int chunkSize;
    private final GcpCalls calls;
    private final Events events;

    ResumableUpload(StorageHttp http, int chunkSize, GcpCalls calls, Events events) {
        this.http = http;
        this.chunkSize = chunkSize;
        this.calls = calls;
        this.events = events;
    }

    /** Uploads the whole file as {@code gs://bucket/object} unless an object of that name exists (412). */
    StoredObject upload(UploadFile file, String bucket, String object, Map<String, String> metadata, String action)
            throws InterruptedException {
        URI session = calls.attempt(action, () -> start(file, bucket, object, metadata));
        Thread uploader = Thread.currentThread();
        try (CancelToken.Registration ctrlC = calls.cancel().onCancel(uploader::interrupt)) {
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
                new GcpErrors.Unreadable("the upload session was opened without a Location header"));
    }

    /** Where the upload stands: the committed offset, and whether it is known or must be asked for after a fault. */
    private final class Transfer {
        private final URI session;
        private final UploadFile file;
        private final String task;
        private long offset;
        private boolean known = true;

        private Transfer(URI session, UploadFile file, String task) {
            this.session = session;
            this.file = file;
            this.task = task;
        }

        /** One step: the next chunk, or after a fault the question what was committed. */
        private Answer step() throws InterruptedException {
            boolean sending = known;
            Answer answer;
            try {
                answer = sending ? put(session, file, offset, task) : query(session, file.size());
            } catch (RuntimeException e) {
                known = false;
                throw e;
            }
            known = true;
            if (answer instanceof Committed c) {
                boolean stuck = sending && c.bytes() <= offset;
                offset = c.bytes();
                events.bytes(task, offset, file.size());
                if (stuck) {
                    throw new NoProgress(offset);
                }
            }
            return answer;
        }
    }

    private StoredObject transfer(URI session, UploadFile file, String task, String action)
            throws InterruptedException {
        events.bytes(task, 0, file.size());
        Transfer transfer = new Transfer(session, file, task);
        Retry retry = calls.upload().toBuilder().classifier(e -> e instanceof NoProgress
                ? Retry.Decision.again(e.getMessage()) : GcpErrors.classifier(calls.clock()).apply(e)).build();
        while (true) {
            Answer answer;
            try {
                answer = retry.call(action, transfer::step);
            } catch (NoProgress e) {
                throw KilnException.tried(action, "the server kept accepting chunks at offset " + transfer.offset
                        + " without committing them", "run the command again later");
            }
            if (answer instanceof Done done) {
                events.bytes(task, file.size(), file.size());
                return done.object();
            }
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
            throw new GcpErrors.Unreadable("unexpected Range header in a 308 answer: " + range);
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
}
