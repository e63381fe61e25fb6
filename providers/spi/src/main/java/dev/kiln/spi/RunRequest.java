package dev.kiln.spi;

import dev.kiln.api.DiskRequest;
import dev.kiln.api.Lifecycle;
import dev.kiln.api.Userdata;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An instance to start. The CLI has already checked the shared vocabulary against the provider's
 * {@link RunSupport}: userdata within its limit, {@code --disk} keys it takes.
 *
 * @param image     an image id, name, or a local file, as the provider understands it
 * @param name      the instance name
 * @param dryRun    report what would be done and start nothing
 * @param userdata  {@code --userdata} or {@code --userdata-file}
 * @param disks     {@code --disk} values, in order
 * @param lifecycle {@code --wait}, {@code --rm}, {@code --keep}, {@code --timeout}
 * @param tags      {@code --tag KEY=VALUE} for the instance and what is made with it
 */
public record RunRequest(String image, String name, boolean dryRun, Optional<Userdata> userdata,
                         List<DiskRequest> disks, Lifecycle lifecycle, Map<String, String> tags) {

    public RunRequest {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(userdata, "userdata");
        disks = List.copyOf(disks);
        Objects.requireNonNull(lifecycle, "lifecycle");
        tags = Map.copyOf(tags);
    }

    /** No userdata, disks or tags, the default lifecycle. */
    public static RunRequest of(String image, String name, boolean dryRun) {
        return new RunRequest(image, name, dryRun, Optional.empty(), List.of(), Lifecycle.DEFAULT, Map.of());
    }

    public RunRequest withUserdata(Userdata value) {
        return new RunRequest(image, name, dryRun, Optional.of(value), disks, lifecycle, tags);
    }

    public RunRequest withDisks(List<DiskRequest> value) {
        return new RunRequest(image, name, dryRun, userdata, value, lifecycle, tags);
    }

    public RunRequest withLifecycle(Lifecycle value) {
        return new RunRequest(image, name, dryRun, userdata, disks, value, tags);
    }

    public RunRequest withTags(Map<String, String> value) {
        return new RunRequest(image, name, dryRun, userdata, disks, lifecycle, value);
    }
}
