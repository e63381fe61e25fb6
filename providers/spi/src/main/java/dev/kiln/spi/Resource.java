package dev.kiln.spi;

import java.util.Objects;

/** Something a provider made or found: {@code snapshot snap-0123 in eu-west-1}. */
public record Resource(String type, String id, String location) {

    public Resource {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
        location = location == null ? "" : location;
    }
}
