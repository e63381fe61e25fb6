package dev.kiln.gcp;

import com.google.cloud.compute.v1.GuestOsFeature;
import com.google.cloud.compute.v1.Image;
import com.google.cloud.compute.v1.ImagesClient;
import com.google.cloud.compute.v1.InsertImageRequest;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.RawDisk;

import java.util.UUID;

/**
 * images.insert from the uploaded tar.gz (cloud.google.com/compute/docs/reference/rest/v1/images/insert).
 * A request id makes a retried insert after a 503 idempotent: GCE ignores the duplicate.
 */
final class InsertImage {

    private final ImagesClient images;
    private final GcpCalls calls;

    InsertImage(ImagesClient images, GcpCalls calls) {
        this.images = images;
        this.calls = calls;
    }

    Operation insert(ImagePlan plan, String imageName, UploadedObject object) throws InterruptedException {
        InsertImageRequest request = InsertImageRequest.newBuilder()
                .setProject(plan.project())
                .setRequestId(UUID.randomUUID().toString())
                .setImageResource(image(plan, imageName, object))
                .build();
        return calls.call("create image " + imageName + " from " + object.uri(),
                () -> images.insertCallable().call(request));
    }

    static Image image(ImagePlan plan, String imageName, UploadedObject object) {
        Image.Builder image = Image.newBuilder()
                .setName(imageName)
                .setDescription(plan.description())
                .setArchitecture(plan.architecture())
                .setRawDisk(RawDisk.newBuilder().setContainerType("TAR")
                        .setSource("https://storage.googleapis.com/" + object.bucket() + "/" + object.name()))
                .putAllLabels(plan.labels())
                .addAllLicenses(plan.licenses());
        plan.family().ifPresent(image::setFamily);
        plan.storageLocation().ifPresent(image::addStorageLocations);
        plan.features().stream().sorted()
                .forEach(f -> image.addGuestOsFeatures(GuestOsFeature.newBuilder().setType(f)));
        return image.build();
    }
}
