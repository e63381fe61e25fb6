package dev.kiln.gcp;

import com.google.cloud.compute.v1.DeleteImageRequest;
import com.google.cloud.compute.v1.GlobalOperationsClient;
import com.google.cloud.compute.v1.ImagesClient;
import com.google.cloud.compute.v1.Operation;

import java.time.Duration;
import java.util.Optional;

/** images.delete and a wait for it; an image that is already gone counts as deleted. */
final class DeleteImage {

    private final ImagesClient images;
    private final GlobalOperationsClient operations;
    private final GcpCalls calls;
    private final WaitOperation waiter;

    DeleteImage(ImagesClient images, GlobalOperationsClient operations, GcpCalls calls, WaitOperation waiter) {
        this.images = images;
        this.operations = operations;
        this.calls = calls;
        this.waiter = waiter;
    }

    /** @return true if an image was deleted, false if there was none */
    boolean delete(String project, String name, Duration timeout) throws InterruptedException {
        String action = "delete image " + name + " in project " + project;
        DeleteImageRequest request = DeleteImageRequest.newBuilder().setProject(project).setImage(name)
                .setRequestId(java.util.UUID.randomUUID().toString()).build();
        Optional<Operation> op = calls.find(action, () -> images.deleteCallable().call(request));
        if (op.isEmpty()) {
            return false;
        }
        waiter.global(operations, project, op.get(), action, timeout);
        return true;
    }
}
