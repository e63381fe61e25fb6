package dev.kiln.gcp;

import com.google.cloud.compute.v1.Binding;
import com.google.cloud.compute.v1.GetIamPolicyImageRequest;
import com.google.cloud.compute.v1.GlobalSetPolicyRequest;
import com.google.cloud.compute.v1.ImagesClient;
import com.google.cloud.compute.v1.Policy;
import com.google.cloud.compute.v1.SetIamPolicyImageRequest;

/**
 * {@code --public}: adds roles/compute.imageUser for allAuthenticatedUsers to the image's IAM
 * policy (cloud.google.com/compute/docs/images/managing-access-custom-images), read-modify-write
 * with the policy's etag so a concurrent change is not lost.
 */
final class ShareImage {

    static final String ROLE = "roles/compute.imageUser";
    static final String MEMBER = "allAuthenticatedUsers";

    private final ImagesClient images;
    private final Remote remote;

    ShareImage(ImagesClient images, Remote remote) {
        this.images = images;
        this.remote = remote;
    }

    void makePublic(String project, String image) throws InterruptedException {
        String action = "grant " + ROLE + " on image " + image + " to " + MEMBER;
        Policy current = remote.call(action, () -> images.getIamPolicyCallable().call(
                GetIamPolicyImageRequest.newBuilder().setProject(project).setResource(image).build()));
        boolean present = current.getBindingsList().stream()
                .anyMatch(b -> b.getRole().equals(ROLE) && b.getMembersList().contains(MEMBER));
        if (present) {
            return;
        }
        Policy updated = current.toBuilder()
                .addBindings(Binding.newBuilder().setRole(ROLE).addMembers(MEMBER))
                .build();
        remote.call(action, () -> images.setIamPolicyCallable().call(SetIamPolicyImageRequest.newBuilder()
                .setProject(project).setResource(image)
                .setGlobalSetPolicyRequestResource(GlobalSetPolicyRequest.newBuilder().setPolicy(updated))
                .build()));
    }
}
