package dev.kiln.gcp;

import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequestFactory;
import com.google.api.client.http.HttpResponse;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Storage;
import dev.kiln.api.CancelToken;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Puts the image file in the bucket unless the same content is already there. The bytes go through
 * google-cloud-storage's resumable upload ({@link Storage#writer}, chunks of the configured size;
 * in 2.64 its BlobWriteSession over HTTP does not retry a chunk, the writer does): the library retries a chunk after a 503 or a dropped connection from what the server committed,
 * and sends its running CRC32C with the last chunk, which the server checks. kiln reads the file once,
 * reports progress as the library takes the bytes, and checks the stored object's size and CRC32C against
 * its own; a mismatch deletes the object, so a corrupted upload never reaches images.insert. A failure or
 * Ctrl-C ({@link GcsConnections#abort}) cancels the upload session on the server, so nothing half-written
 * is left and no partial object is ever finalized.
 */
final class UploadObject {

    /** What kiln hands the library per write; progress moves this often. */
    private static final int SLICE = 1 << 20;

    private final Storage storage;
    private final GcsConnections connections;
    private final FindObject find;
    private final DeleteObject delete;
    private final CancelToken cancel;
    private final Events events;
    private final int chunkSize;

    UploadObject(GcpClients clients, GcpCalls calls, Events events) {
        this.storage = clients.storage();
        this.connections = clients.connections();
        this.find = new FindObject(storage, calls);
        this.delete = new DeleteObject(storage, calls);
        this.cancel = calls.cancel();
        this.events = events;
        this.chunkSize = clients.chunkSize();
    }

    UploadedObject upload(Path path, String bucket, String object, String contentDigest) throws InterruptedException {
        return upload(path, bucket, object, contentDigest, () -> { });
    }

    /**
     * @param starting runs once it is clear kiln will make the object, before the first byte is sent (the
     *                 caller registers its removal then, so a push that fails mid-upload leaves nothing)
     */
    UploadedObject upload(Path path, String bucket, String object, String contentDigest, Runnable starting)
            throws InterruptedException {
        String action = "upload " + path.getFileName() + " to gs://" + bucket + "/" + object;
        long size = size(path);
        StoredObject existing = find.find(bucket, object).orElse(null);
        if (existing != null) {
            return reuse(existing, size, contentDigest, action);
        }
        starting.run();
        BlobInfo info = BlobInfo.newBuilder(bucket, object).setContentType("application/gzip")
                .setMetadata(Map.of(GcpNames.DIGEST_LABEL, contentDigest)).build();
        CRC32C crc = new CRC32C();
        StoredObject done;
        connections.newUpload();
        try (CancelToken.Registration ctrlC = cancel.onCancel(connections::abort)) {
            done = write(info, path, size, crc, "upload " + object);
        } catch (InterruptedException | RuntimeException e) {
            connections.reopen();
            cancelSession();
            if (cancel.isCancelled() || e instanceof InterruptedException || GcpErrors.cause(e, GcsConnections.Aborted.class) != null) {
                throw e instanceof InterruptedException ie ? ie : new InterruptedException("Ctrl-C");
            }
            throw failure(action, bucket, e);
        } finally {
            connections.reopen();
        }
        verify(done, size, StoredObject.encode(crc.getValue()), bucket, object, action);
        return new UploadedObject(bucket, object, size, false);
    }

    private static long size(Path path) {
        try {
            return Files.size(path);
        } catch (IOException e) {
            throw KilnException.tried("read " + path, KilnException.reason(e), "check the path");
        }
    }

    /**
     * Streams the file into the library's channel; closing it sends the last chunk and finalizes the object.
     * On a failure the channel is left unclosed (closing would finalize what was written so far).
     */
    private StoredObject write(BlobInfo info, Path path, long size, CRC32C crc, String task)
            throws InterruptedException {
        events.bytes(task, 0, size);
        try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ)) {
            WriteChannel out = storage.writer(info, Storage.BlobWriteOption.doesNotExist());
            out.setChunkSize(chunkSize);
            ByteBuffer buf = ByteBuffer.allocate(SLICE);
            long position = 0;
            while (position < size) {
                cancel.throwIfCancelled();
                buf.clear().limit((int) Math.min(SLICE, size - position));
                int n = in.read(buf, position);
                if (n < 0) {
                    throw KilnException.tried("read " + path, "the file ended at " + position + " of " + size
                            + " bytes while it was being uploaded", "do not change the file during the push");
                }
                buf.flip();
                crc.update(buf.duplicate());
                while (buf.hasRemaining()) {
                    out.write(buf);
                }
                position += n;
                events.bytes(task, position, size);
            }
            cancel.throwIfCancelled();
            out.close();
            // the finished object as the server stored it (it did not exist before: doesNotExist)
            com.google.cloud.storage.Blob done = storage.get(info.getBlobId());
            if (done == null) {
                throw new GcpErrors.Unreadable("the upload finished but gs://" + info.getBucket() + "/"
                        + info.getName() + " is not there");
            }
            return StoredObject.of(done);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** Ends the upload session on the server (it answers 499); best effort, it also expires after a week. */
    private void cancelSession() {
        String session = connections.session();
        if (session == null) {
            return;
        }
        try {
            HttpTransportOptions transport = (HttpTransportOptions) storage.getOptions().getTransportOptions();
            HttpRequestFactory requests = transport.getHttpTransportFactory().create()
                    .createRequestFactory(transport.getHttpRequestInitializer(storage.getOptions()));
            HttpResponse answer = requests.buildDeleteRequest(new GenericUrl(session))
                    .setThrowExceptionOnExecuteError(false).setNumberOfRetries(0).execute();
            answer.disconnect();
            events.debug("upload session cancelled (" + answer.getStatusCode() + ")");
        } catch (IOException | RuntimeException e) {
            events.debug("could not cancel the upload session: " + e.getMessage());
        }
    }

    private void verify(StoredObject done, long size, String crc, String bucket, String object, String action)
            throws InterruptedException {
        if (done.size() == size && crc.equals(done.crc32c())) {
            events.debug("gs://" + bucket + "/" + object + ": " + done.size() + " bytes, CRC32C " + crc);
            return;
        }
        delete.delete(bucket, object);
        throw KilnException.tried(action, "the stored object does not match the file (size " + done.size()
                + " vs " + size + ", CRC32C " + done.crc32c() + " vs " + crc + "); it was deleted",
                "run the command again; if it repeats, check proxies between here and Google");
    }

    private UploadedObject reuse(StoredObject existing, long size, String contentDigest, String action) {
        if (existing.size() == size && contentDigest.equals(existing.metadata().get(GcpNames.DIGEST_LABEL))) {
            events.info(existing.uri() + " already holds this content; not uploading it again");
            return new UploadedObject(existing.bucket(), existing.name(), size, true);
        }
        throw KilnException.tried(action, "an object of that name with other content is in the bucket",
                "delete it with 'gcloud storage rm " + existing.uri() + "'");
    }

    private static KilnException failure(String action, String bucket, Throwable e) {
        if (GcpErrors.notFound(e)) {
            return KilnException.tried(action, "bucket " + bucket + " does not exist (404)",
                    "create it with 'gcloud storage buckets create gs://" + bucket + "' or pass another --bucket", e);
        }
        return GcpErrors.tried(action, e);
    }
}
