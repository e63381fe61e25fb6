package dev.kiln.aws;

import software.amazon.awssdk.services.ec2.model.LaunchPermission;
import software.amazon.awssdk.services.ec2.model.RegisterImageRequest;

import java.util.List;

/**
 * What is kept of an image deregistered to free its name: the request that registers it again from its
 * snapshots with its old settings and tags, and who could launch it.
 */
record ReleasedImage(String region, String imageId, String name, RegisterImageRequest again,
                     List<LaunchPermission> launch, List<String> snapshotIds) {

    ReleasedImage {
        launch = List.copyOf(launch);
        snapshotIds = List.copyOf(snapshotIds);
    }

    String describe() {
        return imageId + " (" + name + ") in " + region;
    }
}
