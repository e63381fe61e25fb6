package dev.kiln.spi;

import java.util.Objects;

/**
 * An instance to start.
 *
 * @param image  an image id, name, or a local file, as the provider understands it
 * @param name   the instance name
 * @param dryRun report what would be done and start nothing
 */
public record RunRequest(String image, String name, boolean dryRun) {

    public RunRequest {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(name, "name");
    }
}
