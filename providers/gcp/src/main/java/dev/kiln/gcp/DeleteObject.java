package dev.kiln.gcp;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;

/**
 * objects.delete (cloud.google.com/storage/docs/json_api/v1/objects/delete): removes the uploaded
 * tar.gz once GCE has imported it, when the push fails, or when its checksum is wrong.
 */
final class DeleteObject {

    private final Storage storage;
    private final GcpCalls calls;

    DeleteObject(Storage storage, GcpCalls calls) {
        this.storage = storage;
        this.calls = calls;
    }

    /** @return false if the object was already gone */
    boolean delete(String bucket, String object) throws InterruptedException {
        return calls.find("delete gs://" + bucket + "/" + object,
                () -> storage.delete(BlobId.of(bucket, object)) ? Boolean.TRUE : null).orElse(false);
    }

    boolean delete(UploadedObject object) throws InterruptedException {
        return delete(object.bucket(), object.name());
    }
}
