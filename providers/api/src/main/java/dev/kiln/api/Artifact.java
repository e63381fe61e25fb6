package dev.kiln.api;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a push publishes: a format and its named files. Most formats are one file ({@link #DISK}); a
 * kernel+initrd set has {@code kernel}, {@code initrd} and {@code cmdline}; an OVF has {@code ovf} and
 * {@code disk-1}, {@code disk-2}... Roles keep their order; the first is the primary file.
 */
public record Artifact(ImageFormat format, Map<String, Path> files) {

    public static final String DISK = "disk";
    public static final String KERNEL = "kernel";
    public static final String INITRD = "initrd";
    public static final String CMDLINE = "cmdline";

    public Artifact {
        Objects.requireNonNull(format, "format");
        if (files.isEmpty()) {
            throw new IllegalArgumentException("an artifact has at least one file");
        }
        files = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(files));
        files.values().forEach(p -> Objects.requireNonNull(p, "file"));
    }

    /** A format that is one file. */
    public static Artifact single(ImageFormat format, Path file) {
        return new Artifact(format, Map.of(DISK, file));
    }

    /** The first file: the disk of a one-file artifact. */
    public Path primary() {
        return files.values().iterator().next();
    }

    /** The file with this role, or a clear error naming the roles there are. */
    public Path file(String role) {
        Path p = files.get(role);
        if (p == null) {
            throw KilnException.usage("The " + format + " artifact has no " + role + " file (it has "
                    + String.join(", ", files.keySet()) + ")");
        }
        return p;
    }

    public List<String> roles() {
        return List.copyOf(files.keySet());
    }
}
