package dev.kiln.spi;

import java.util.Objects;

/** Something a provider made or found: {@code snapshot snap-0123 in eu-west-1}. Made with {@link #of}. */
public final class Resource {

    private final String type;
    private final String id;
    private final String location;

    private Resource(String type, String id, String location) {
        this.type = Objects.requireNonNull(type, "type");
        this.id = Objects.requireNonNull(id, "id");
        this.location = location == null ? "" : location;
    }

    public static Resource of(String type, String id, String location) {
        return new Resource(type, id, location);
    }

    public static Resource of(String type, String id) {
        return new Resource(type, id, "");
    }

    public String type() {
        return type;
    }

    public String id() {
        return id;
    }

    /** Region, zone or location; empty where it has none. */
    public String location() {
        return location;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Resource r && r.type.equals(type) && r.id.equals(id) && r.location.equals(location);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, id, location);
    }

    @Override
    public String toString() {
        return type + " " + id + (location.isEmpty() ? "" : " in " + location);
    }
}
