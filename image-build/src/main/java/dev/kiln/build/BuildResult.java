package dev.kiln.build;

import java.util.List;
import java.util.Objects;

/**
 * What {@code kiln build} made. {@code contentDigest} identifies the image's content (the
 * sha256 of the root filesystem tar), so pushes of the same build can be recognised.
 */
public record BuildResult(String name, String arch, String contentDigest, List<Artifact> artifacts,
                          List<String> hostFiles) {

    public BuildResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(contentDigest, "contentDigest");
        artifacts = List.copyOf(artifacts);
        hostFiles = List.copyOf(hostFiles);
    }

    /** A build whose {@code files:} embeds no host file from outside the configuration's folder. */
    public BuildResult(String name, String arch, String contentDigest, List<Artifact> artifacts) {
        this(name, arch, contentDigest, artifacts, List.of());
    }
}
