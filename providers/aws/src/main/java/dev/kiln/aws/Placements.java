package dev.kiln.aws;

import dev.kiln.spi.PushResult;
import dev.kiln.spi.Resource;

import java.util.ArrayList;
import java.util.List;

/** The images and other resources a push ends with, collected as it goes (several regions at once). */
final class Placements {

    private final List<PushResult.Placement> images = new ArrayList<>();
    private final List<Resource> resources = new ArrayList<>();

    synchronized void image(String region, String imageId) {
        images.add(new PushResult.Placement(region, imageId));
    }

    synchronized void resource(String type, String id, String region) {
        resources.add(Resource.of(type, id, region));
    }

    synchronized List<PushResult.Placement> images() {
        return List.copyOf(images);
    }

    synchronized List<Resource> resources() {
        return List.copyOf(resources);
    }
}
