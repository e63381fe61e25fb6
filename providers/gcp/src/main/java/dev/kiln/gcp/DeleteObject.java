package dev.kiln.gcp;

import dev.kiln.spi.http.HttpAnswer;

import java.time.Duration;

/**
 * objects.delete (cloud.google.com/storage/docs/json_api/v1/objects/delete): removes the uploaded
 * tar.gz once GCE has imported it, when the push fails, or when its checksum is wrong.
 */
final class DeleteObject {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final StorageHttp http;
    private final GcpCalls calls;

    DeleteObject(StorageHttp http, GcpCalls calls) {
        this.http = http;
        this.calls = calls;
    }

    /** @return false if the object was already gone */
    boolean delete(String bucket, String object) throws InterruptedException {
        return calls.find("delete gs://" + bucket + "/" + object, () -> {
            HttpAnswer answer = http.send(http.request("DELETE", http.object(bucket, object), TIMEOUT));
            if (answer.status() != 204 && answer.status() != 200) {
                throw StorageHttp.error(answer);
            }
            return true;
        }).orElse(false);
    }

    boolean delete(UploadedObject object) throws InterruptedException {
        return delete(object.bucket(), object.name());
    }
}
