package dev.kiln.gcp;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;

import java.util.Optional;

/** objects.get (cloud.google.com/storage/docs/json_api/v1/objects/get): the object, or empty when there is none. */
final class FindObject {

    private final Storage storage;
    private final GcpCalls calls;

    FindObject(Storage storage, GcpCalls calls) {
        this.storage = storage;
        this.calls = calls;
    }

    Optional<StoredObject> find(String bucket, String object) throws InterruptedException {
        return calls.find("look up gs://" + bucket + "/" + object, () -> {
            Blob blob = storage.get(BlobId.of(bucket, object));
            return blob == null ? null : StoredObject.of(blob);
        });
    }
}
