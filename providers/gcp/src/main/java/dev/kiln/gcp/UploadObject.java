package dev.kiln.gcp;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;

import java.nio.file.Path;
import java.util.Map;

/**
 * Puts the image file in the bucket unless the same content is already there. The bytes go
 * through kiln's own {@link ResumableUpload}; the object is then checked against the file's
 * CRC32C (computed while streaming) and size, and deleted if they differ, so a corrupted upload
 * never reaches images.insert.
 */
final class UploadObject {

    private final FindObject find;
    private final ResumableUpload upload;
    private final DeleteObject delete;
    private final Events events;

    UploadObject(StorageHttp http, int chunkSize, GcpCalls calls, Events events) {
        this.find = new FindObject(http, calls);
        this.upload = new ResumableUpload(http, chunkSize, calls, events);
        this.delete = new DeleteObject(http, calls);
        this.events = events;
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
        UploadFile file = UploadFile.of(path);
        StoredObject existing = find.find(bucket, object).orElse(null);
        if (existing != null) {
            return reuse(existing, file.size(), contentDigest, action);
        }
        starting.run();
        try {
            StoredObject done = upload.upload(file, bucket, object, Map.of(GcpNames.DIGEST_LABEL, contentDigest), action);
            verify(done, file, bucket, object, action);
            return new UploadedObject(bucket, object, file.size(), false);
        } catch (RuntimeException e) {
            throw failure(action, bucket, e);
        }
    }

    private void verify(StoredObject done, UploadFile file, String bucket, String object, String action)
            throws InterruptedException {
        String crc = file.crc32c().orElse("(not all bytes were sent)");
        if (done.size() == file.size() && crc.equals(done.crc32c())) {
            events.debug("gs://" + bucket + "/" + object + ": " + done.size() + " bytes, CRC32C " + crc);
            return;
        }
        delete.delete(bucket, object);
        throw KilnException.tried(action, "the stored object does not match the file (size " + done.size()
                + " vs " + file.size() + ", CRC32C " + done.crc32c() + " vs " + crc + "); it was deleted",
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
