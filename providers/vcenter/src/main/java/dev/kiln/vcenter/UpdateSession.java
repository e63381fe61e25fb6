package dev.kiln.vcenter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.api.Poll;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Optional;

/**
 * One content-library update session, the transaction that fills an item: create, add and PUT each file,
 * validate, complete, and poll until DONE. If anything fails (or Ctrl-C), the session is failed and deleted,
 * and the caller deletes the item, so no empty item is left to block a retry (govmomi#2585, #2958).
 */
final class UpdateSession {

    private static final String SESSION = "content/library/item/update-session";
    private static final String FILES = "content/library/item/updatesession/file";

    private final VcenterRest rest;
    private final Events events;
    private final Poll poll;

    UpdateSession(VcenterRest rest, Events events, Poll poll) {
        this.rest = rest;
        this.events = events;
        this.poll = poll;
    }

    /** Uploads {@code files} into item {@code itemId}; on any failure the session is failed and removed. */
    void fill(String itemId, OvfFiles files) throws InterruptedException {
        String sid = rest.call("open an update session on library item " + itemId, "POST", SESSION, null, null,
                "create_spec", VcenterRest.JSON.createObjectNode().put("library_item_id", itemId)).asText();
        boolean done = false;
        try {
            long sent = 0;
            for (OvfFiles.Part part : files.parts()) {
                ObjectNode spec = VcenterRest.JSON.createObjectNode().put("name", part.name()).put("source_type", "PUSH")
                        .put("size", part.size());
                JsonNode added = rest.call("add " + part.name() + " to update session " + sid, "POST", FILES, sid, "add",
                        "file_spec", spec);
                String uri = added.path("upload_endpoint").path("uri").asText("");
                if (uri.isEmpty()) {
                    throw KilnException.tried("add " + part.name() + " to update session " + sid,
                            "vCenter gave no upload address", "");
                }
                try (KeepAlive ignored = new KeepAlive(sid)) {
                    rest.upload("upload " + part.name() + " (" + part.size() + " bytes)", URI.create(uri), body(part));
                }
                sent += part.size();
                events.bytes("upload to content library", sent, files.totalBytes());
                rest.call("keep update session " + sid + " alive", "POST", SESSION, sid, "keep-alive", null, null);
            }
            JsonNode check = rest.call("validate update session " + sid, "POST", FILES, sid, "validate", null, null);
            if (check.path("has_errors").asBoolean(false)) {
                throw KilnException.tried("validate the uploaded OVF template", "vCenter reports missing files "
                        + check.path("missing_files") + " and invalid files " + check.path("invalid_files"),
                        "check the .ovf names every disk it references");
            }
            rest.freshen(FRESH_LOGIN);
            rest.call("complete update session " + sid, "POST", SESSION, sid, "complete", null, null);
            poll.until("update session " + sid + " to finish", () -> state(sid));
            done = true;
        } finally {
            if (!done) {
                abandon(sid);
            }
        }
    }

    /**
     * A login older than this is renewed before complete: vCenter may end a session after 30 min idle or at its
     * maximum lifetime, and a 401 at complete is what govc meets after a long upload (govmomi#1832).
     */
    static final java.time.Duration FRESH_LOGIN = java.time.Duration.ofMinutes(10);

    /** How often a long upload touches the update session (and so the login session): well under their timeouts. */
    static final java.time.Duration KEEP_ALIVE = java.time.Duration.ofMinutes(5);

    /** How often the keep-alive thread looks at the command's clock: a real wait, so it never spins. */
    static final java.time.Duration KEEP_ALIVE_TICK = java.time.Duration.ofSeconds(1);

    /**
     * While one file uploads, a daemon thread keeps the update session and the login session alive once every
     * {@link #KEEP_ALIVE} on the command's clock, so neither expires under a long PUT (govmomi#1832). It only
     * reads the clock (looking every {@link #KEEP_ALIVE_TICK} of real time) and never sleeps on the command's
     * sleeper: a test sleeper that returns at once, or one that moves a fake clock, cannot make it spin.
     */
    private final class KeepAlive implements AutoCloseable {
        private final Thread thread;
        private final Object lock = new Object();
        private boolean done;

        KeepAlive(String sid) {
            java.time.Clock clock = rest.clock();
            // counted from now, before the upload starts, not from whenever the new thread first runs
            java.time.Instant first = clock.instant().plus(KEEP_ALIVE);
            thread = new Thread(() -> {
                java.time.Instant next = first;
                while (true) {
                    synchronized (lock) {
                        if (!done) {
                            try {
                                lock.wait(KEEP_ALIVE_TICK.toMillis());
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                        if (done) {
                            return;
                        }
                    }
                    java.time.Instant now = clock.instant();
                    if (now.isBefore(next)) {
                        continue;
                    }
                    next = now.plus(KEEP_ALIVE);
                    try {
                        rest.call("keep update session " + sid + " alive", "POST", SESSION, sid, "keep-alive", null,
                                null);
                        events.debug("kept update session " + sid + " alive during the upload");
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException e) {
                        events.warn("could not keep update session " + sid + " alive: " + VcenterErrors.reason(e));
                    }
                }
            }, "kiln-vcenter-keep-alive");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            synchronized (lock) {
                done = true;
                lock.notifyAll();
            }
            thread.join();
        }
    }

    private Optional<String> state(String sid) throws InterruptedException {
        JsonNode s = rest.call("read update session " + sid, "GET", SESSION, sid, null, null, null);
        String state = s.path("state").asText("");
        if (state.equals("DONE")) {
            return Optional.of(state);
        }
        if (state.equals("ERROR") || state.equals("CANCELED")) {
            throw KilnException.tried("import the OVF template", "vCenter ended the update session " + state
                    + ": " + s.path("error_message").path("default_message").asText(""), "");
        }
        return Optional.empty();
    }

    /** Fails and deletes the session, even after Ctrl-C; what cannot be done is only logged. */
    private void abandon(String sid) {
        try {
            rest.regardlessOfCancel(() -> {
                rest.call("fail update session " + sid, "POST", SESSION, sid, "fail", null, VcenterRest.JSON
                        .createObjectNode().put("client_error_message", "kiln push failed or was cancelled"));
                rest.call("delete update session " + sid, "DELETE", SESSION, sid, null, null, null);
            });
        } catch (RuntimeException | InterruptedException e) {
            events.warn("could not end update session " + sid + ": " + VcenterErrors.reason(e));
        }
    }

    private static HttpRequest.BodyPublisher body(OvfFiles.Part part) {
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
            try {
                return part.open();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }), part.size());
    }
}
