package dev.kiln.vcenter;

import dev.kiln.api.CancelToken;
import dev.kiln.api.KilnException;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;

/**
 * Files on a datastore through vCenter's {@code /folder/PATH?dcPath=DC&dsName=DS} (HTTP access to datastores):
 * PUT, GET, DELETE with basic auth, as govc's datastore.upload does.
 */
final class DatastoreFiles {

    private final VcenterConnection connection;
    private final CancelToken cancel;
    private final String datacenter;
    private final String datastore;
    private final VimSoap soap;
    private final dev.kiln.api.Poll poll;

    DatastoreFiles(VcenterConnection connection, CancelToken cancel, String datacenter, String datastore,
                   dev.kiln.api.Poll poll) {
        this.connection = connection;
        this.soap = new VimSoap(connection);
        this.poll = poll;
        this.cancel = cancel;
        this.datacenter = datacenter;
        this.datastore = datastore;
    }

    /** {@code [DS] path}, as vSphere writes datastore paths. */
    String display(String path) {
        return "[" + datastore + "] " + path;
    }

    URI uri(String path) {
        StringBuilder p = new StringBuilder("/folder");
        for (String seg : path.split("/")) {
            if (!seg.isEmpty()) {
                p.append('/').append(URLEncoder.encode(seg, StandardCharsets.UTF_8).replace("+", "%20"));
            }
        }
        return connection.base().resolve(p + "?dcPath=" + URLEncoder.encode(datacenter, StandardCharsets.UTF_8)
                + "&dsName=" + URLEncoder.encode(datastore, StandardCharsets.UTF_8));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path)).header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                (connection.username() + ":" + connection.password()).getBytes(StandardCharsets.UTF_8)));
    }

    void put(String path, Path file) throws InterruptedException {
        try {
            send("upload " + file.getFileName() + " to " + display(path), request(path)
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofFile(file)), HttpResponse.BodyHandlers.discarding());
        } catch (java.io.FileNotFoundException e) {
            throw KilnException.usage("Cannot read " + file + ": " + KilnException.reason(e));
        }
    }

    void putText(String path, String text) throws InterruptedException {
        send("write " + display(path), request(path).header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString(text)), HttpResponse.BodyHandlers.discarding());
    }

    /** The text of a small file, or empty when there is none. */
    Optional<String> read(String path) throws InterruptedException {
        HttpResponse<String> r = send("read " + display(path), request(path).GET(), HttpResponse.BodyHandlers.ofString(),
                404);
        return r.statusCode() == 404 ? Optional.empty() : Optional.of(r.body());
    }

    /**
     * The bytes of a file from {@code offset} on (a Range request; a server that ignores it sends the whole file,
     * which is cut here), or none when there is no file yet or nothing new.
     */
    byte[] readFrom(String path, long offset) throws InterruptedException {
        HttpResponse<byte[]> r = send("read " + display(path), request(path).header("Range", "bytes=" + offset + "-")
                .GET(), HttpResponse.BodyHandlers.ofByteArray(), 404, 416);
        if (r.statusCode() == 404 || r.statusCode() == 416) {
            return new byte[0];
        }
        byte[] body = r.body();
        if (r.statusCode() == 206) {
            return body;
        }
        return offset >= body.length ? new byte[0] : java.util.Arrays.copyOfRange(body, (int) offset, body.length);
    }

    /**
     * At most {@code length} bytes of a file from {@code offset} (a Range request; from a server that ignores it,
     * only what is needed is read off the whole file), fewer when the file ends first.
     */
    byte[] readRange(String path, long offset, int length) throws InterruptedException {
        HttpResponse<java.io.InputStream> r = send("read " + display(path), request(path).header("Range", "bytes="
                + offset + "-" + (offset + length - 1)).GET(), HttpResponse.BodyHandlers.ofInputStream(), 416);
        try (java.io.InputStream in = r.body()) {
            if (r.statusCode() == 416) {
                return new byte[0];
            }
            if (r.statusCode() != 206) {
                in.skipNBytes(offset);
            }
            return in.readNBytes(length);
        } catch (java.io.EOFException e) {
            return new byte[0];
        } catch (IOException e) {
            throw VcenterErrors.io("read " + display(path), connection, e);
        }
    }

    boolean exists(String path) throws InterruptedException {
        HttpResponse<Void> r = send("look for " + display(path), request(path).method("HEAD",
                HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.discarding(), 404);
        return r.statusCode() != 404;
    }

    /** Moves {@code from} over {@code to} (FileManager.MoveDatastoreFile_Task with force), as one step. */
    void move(String from, String to) throws InterruptedException {
        cancel.throwIfCancelled();
        try {
            soap.moveDatastoreFile(display(from), display(to), datacenter, poll);
        } finally {
            soap.logout();
        }
    }

    /** Deletes over SOAP (FileManager), as HTTP DELETE on /folder is not served everywhere. */
    void delete(String path) throws InterruptedException {
        cancel.throwIfCancelled();
        try {
            soap.deleteDatastoreFile(display(path), datacenter, poll);
        } finally {
            soap.logout();
        }
    }

    private <T> HttpResponse<T> send(String what, HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler,
                                     int... alsoOk) throws InterruptedException {
        cancel.throwIfCancelled();
        HttpResponse<T> r;
        try (CancelToken.Registration ignored = cancel.onCancel(Thread.currentThread()::interrupt)) {
            r = connection.http().send(request.build(), handler);
        } catch (IOException e) {
            if (cancel.isCancelled()) {
                throw new InterruptedException("cancelled during " + what);
            }
            throw VcenterErrors.io(what, connection, e);
        }
        for (int ok : alsoOk) {
            if (r.statusCode() == ok) {
                return r;
            }
        }
        if (r.statusCode() / 100 != 2) {
            throw KilnException.tried(what, "vCenter answered HTTP " + r.statusCode(), r.statusCode() == 401
                    ? "check --username and --password" : r.statusCode() == 404
                    ? "check --datacenter and --datastore name an existing datacenter and datastore" : "");
        }
        return r;
    }
}
