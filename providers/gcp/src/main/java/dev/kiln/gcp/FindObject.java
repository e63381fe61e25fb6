package dev.kiln.gcp;

import dev.kiln.spi.http.HttpAnswer;

import java.time.Duration;
import java.util.Optional;

/** objects.get (cloud.google.com/storage/docs/json_api/v1/objects/get): the object, or empty on 404. */
final class FindObject {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final StorageHttp http;
    private final GcpCalls calls;

    FindObject(StorageHttp http, GcpCalls calls) {
        this.http = http;
        this.calls = calls;
    }

    Optional<StoredObject> find(String bucket, String object) throws InterruptedException {
        return calls.find("look up gs://" + bucket + "/" + object, () -> {
            HttpAnswer answer = http.send(http.request("GET", http.object(bucket, object), TIMEOUT));
            if (answer.status() != 200) {
                throw StorageHttp.error(answer);
            }
            return StoredObject.of(StorageHttp.json(answer));
        });
    }
}
