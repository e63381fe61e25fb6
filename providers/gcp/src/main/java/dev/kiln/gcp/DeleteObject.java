package dev.kiln.gcp;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;

/** Removes the uploaded tar.gz once GCE has imported it, or when the push fails. */
final class DeleteObject {

    private final Storage storage;
    private final Remote remote;

    DeleteObject(Storage storage, Remote remote) {
        this.storage = storage;
        this.remote = remote;
    }

    /** @return false if the object was already gone */
    boolean delete(UploadedObject object) throws InterruptedException {
        return remote.call("delete " + object.uri(), () -> storage.delete(BlobId.of(object.bucket(), object.name())));
    }
}
