package dev.kiln.build;

import dev.kiln.api.BootMode;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/** One file a build wrote. {@code sha256} is the hex digest of the file's bytes. */
public record Artifact(Path path, Format format, long size, String sha256, Set<BootMode> bootModes) {

    public Artifact {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(sha256, "sha256");
        bootModes = Set.copyOf(bootModes);
    }
}
