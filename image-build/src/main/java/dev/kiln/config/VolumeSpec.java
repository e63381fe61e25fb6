package dev.kiln.config;

import java.util.List;

/** One entry of the {@code volumes} section; {@code image} is null for an empty volume. */
public record VolumeSpec(String name, String image, boolean readonly, String format, List<String> platforms) {

    public VolumeSpec {
        platforms = platforms == null ? List.of() : List.copyOf(platforms);
    }
}
