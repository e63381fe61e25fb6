package dev.kiln.spi;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Something kiln made that is still there, as {@code kiln ls} lists it and {@code kiln rm} removes it: an image
 * (with the snapshots, objects or files behind it as {@link #parts}) or an instance (with the disks, NICs, IPs
 * and folders it was given). {@link #byKiln} is false for a thing a provider found by id that carries none of
 * kiln's tags: the CLI removes those only with {@code --force}. Built with {@link #builder}.
 */
public final class Made {

    /** What {@code kiln ls PROVIDER [images|instances]} lists. */
    public enum Kind {
        IMAGE("images"), INSTANCE("instances");

        private final String plural;

        Kind(String plural) {
            this.plural = plural;
        }

        /** {@code images} or {@code instances}, as the command line says it. */
        public String plural() {
            return plural;
        }

        /** {@code image} or {@code instance}. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Kind kind;
    private final String id;
    private final String name;
    private final String location;
    private final String digest;
    private final Optional<Instant> created;
    private final String state;
    private final boolean byKiln;
    private final List<Resource> parts;
    private final Map<String, String> tags;

    private Made(Builder b) {
        this.kind = Objects.requireNonNull(b.kind, "kind");
        this.id = Objects.requireNonNull(b.id, "id");
        this.name = b.name == null ? "" : b.name;
        this.location = b.location == null ? "" : b.location;
        this.digest = b.digest == null ? "" : b.digest;
        this.created = Optional.ofNullable(b.created);
        this.state = b.state == null ? "" : b.state;
        this.byKiln = b.byKiln;
        this.parts = List.copyOf(b.parts);
        this.tags = Collections.unmodifiableMap(new LinkedHashMap<>(b.tags));
    }

    public static Builder builder(Kind kind, String id) {
        return new Builder(kind, id);
    }

    public Kind kind() {
        return kind;
    }

    /** The cloud's id: {@code ami-0123}, a gallery version id, a qemu state folder. */
    public String id() {
        return id;
    }

    /** The name kiln gave it ({@code kiln:name}); empty when it has none. */
    public String name() {
        return name;
    }

    /** Region, zone or location; empty where it has none. */
    public String location() {
        return location;
    }

    /** The content digest kiln tagged an image with; empty for instances and untagged things. */
    public String digest() {
        return digest;
    }

    public Optional<Instant> created() {
        return created;
    }

    /** The order kiln ls shows: newest first (unknown creation times last), then by id. */
    public static Comparator<Made> newestFirst() {
        return Comparator.comparing((Made m) -> m.created().orElse(Instant.EPOCH)).reversed().thenComparing(Made::id);
    }

    /** An instance's last known state (running, stopped); empty for images. */
    public String state() {
        return state;
    }

    /** True when it carries kiln's tags or labels; false for a thing found only by its id. */
    public boolean byKiln() {
        return byKiln;
    }

    /** What goes with it when it is removed, in the order it is removed after the thing itself. */
    public List<Resource> parts() {
        return parts;
    }

    /** Its tags or labels as the cloud holds them (kiln's and the user's). */
    public Map<String, String> tags() {
        return tags;
    }

    /** The thing itself as a resource: {@code image ami-0123 in eu-west-1}. */
    public Resource resource() {
        return Resource.of(kind.word(), id, location);
    }

    @Override
    public String toString() {
        return kind.word() + " " + id + (name.isEmpty() ? "" : " (" + name + ")")
                + (location.isEmpty() ? "" : " in " + location);
    }

    public static final class Builder {
        private final Kind kind;
        private final String id;
        private String name;
        private String location;
        private String digest;
        private Instant created;
        private String state;
        private boolean byKiln = true;
        private final List<Resource> parts = new ArrayList<>();
        private final Map<String, String> tags = new LinkedHashMap<>();

        private Builder(Kind kind, String id) {
            this.kind = kind;
            this.id = id;
        }

        public Builder name(String value) {
            this.name = value;
            return this;
        }

        public Builder location(String value) {
            this.location = value;
            return this;
        }

        public Builder digest(String value) {
            this.digest = value;
            return this;
        }

        public Builder created(Instant value) {
            this.created = value;
            return this;
        }

        public Builder state(String value) {
            this.state = value;
            return this;
        }

        public Builder byKiln(boolean value) {
            this.byKiln = value;
            return this;
        }

        public Builder part(Resource value) {
            this.parts.add(Objects.requireNonNull(value, "part"));
            return this;
        }

        public Builder tags(Map<String, String> value) {
            this.tags.putAll(value);
            return this;
        }

        public Made build() {
            return new Made(this);
        }
    }
}
