package dev.kiln.config;

import java.util.Objects;

/** One entry of {@code onboot}, {@code onshutdown} or {@code services}. */
public record ImageSpec(String name, String image, ImageConfig config, Position position) {

    public ImageSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(config, "config");
    }
}
