package dev.kiln.gcp;

import com.google.cloud.compute.v1.GetImageRequest;
import com.google.cloud.compute.v1.Image;
import com.google.cloud.compute.v1.ImagesClient;
import com.google.cloud.compute.v1.ListImagesRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** images.list by kiln's digest label, and images.get by name (404 = absent). */
final class FindImages {

    private final ImagesClient images;
    private final GcpCalls calls;

    FindImages(ImagesClient images, GcpCalls calls) {
        this.images = images;
        this.calls = calls;
    }

    /** Images in the project whose kiln-digest label is {@code digestLabel}, oldest first. */
    List<Image> withDigest(String project, String digestLabel) throws InterruptedException {
        String filter = "labels." + GcpNames.DIGEST_LABEL + " = \"" + digestLabel + "\"";
        List<Image> found = new ArrayList<>();
        String page = "";
        do {
            ListImagesRequest request = ListImagesRequest.newBuilder().setProject(project).setFilter(filter)
                    .setPageToken(page).build();
            var list = calls.call("list images labelled " + GcpNames.DIGEST_LABEL + "=" + digestLabel
                    + " in project " + project, () -> images.listCallable().call(request));
            list.getItemsList().stream()
                    .filter(i -> digestLabel.equals(i.getLabelsMap().get(GcpNames.DIGEST_LABEL)))
                    .forEach(found::add);
            page = list.getNextPageToken();
        } while (!page.isEmpty());
        found.sort((a, b) -> a.getCreationTimestamp().compareTo(b.getCreationTimestamp()));
        return found;
    }

    /** The image a reference such as projects/P/global/images/NAME or .../images/family/F points at. */
    Optional<Image> resolve(String reference) throws InterruptedException {
        String[] parts = reference.split("/");
        String project = parts[1];
        if (parts.length == 6 && parts[4].equals("family")) {
            var request = com.google.cloud.compute.v1.GetFromFamilyImageRequest.newBuilder().setProject(project)
                    .setFamily(parts[5]).build();
            return calls.find("look up the newest image of family " + parts[5],
                    () -> images.getFromFamilyCallable().call(request));
        }
        return named(project, parts[parts.length - 1]);
    }

    Optional<Image> named(String project, String name) throws InterruptedException {
        GetImageRequest request = GetImageRequest.newBuilder().setProject(project).setImage(name).build();
        return calls.find("look up image " + name + " in project " + project, () -> images.getCallable().call(request));
    }
}
