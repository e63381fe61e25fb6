package dev.kiln.gcp;

import com.google.cloud.compute.v1.Binding;
import com.google.cloud.compute.v1.GetIamPolicyImageRequest;
import com.google.cloud.compute.v1.GlobalSetPolicyRequest;
import com.google.cloud.compute.v1.ImagesClient;
import com.google.cloud.compute.v1.Policy;
import com.google.cloud.compute.v1.SetIamPolicyImageRequest;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code --public} and {@code --share-with}: adds roles/compute.imageUser for allAuthenticatedUsers or the
 * given IAM members to the image's IAM policy (cloud.google.com/compute/docs/images/managing-access-custom-images),
 * read-modify-write with the policy's etag so a concurrent change is not lost. The read and the write are
 * retried together: after an answer that got lost, the read shows the grant is there and nothing is sent.
 */
final class ShareImage {

    static final String ROLE = "roles/compute.imageUser";
    static final String MEMBER = "allAuthenticatedUsers";

    private final ImagesClient images;
    private final GcpCalls calls;

    ShareImage(ImagesClient images, GcpCalls calls) {
        this.images = images;
        this.calls = calls;
    }

    void makePublic(String project, String image) throws InterruptedException {
        share(project, image, List.of(MEMBER));
    }

    /** @param members IAM members such as {@code user:ann@example.com} or {@code allAuthenticatedUsers} */
    void share(String project, String image, List<String> members) throws InterruptedException {
        String action = "grant " + ROLE + " on image " + image + " to " + String.join(", ", members);
        calls.call(action, () -> {
            Policy current = images.getIamPolicyCallable().call(
                    GetIamPolicyImageRequest.newBuilder().setProject(project).setResource(image).build());
            List<String> missing = new ArrayList<>(members);
            current.getBindingsList().stream().filter(b -> b.getRole().equals(ROLE))
                    .forEach(b -> missing.removeAll(b.getMembersList()));
            if (missing.isEmpty()) {
                return current;
            }
            Policy updated = current.toBuilder()
                    .addBindings(Binding.newBuilder().setRole(ROLE).addAllMembers(missing))
                    .build();
            return images.setIamPolicyCallable().call(SetIamPolicyImageRequest.newBuilder()
                    .setProject(project).setResource(image)
                    .setGlobalSetPolicyRequestResource(GlobalSetPolicyRequest.newBuilder().setPolicy(updated))
                    .build());
        });
    }
}
