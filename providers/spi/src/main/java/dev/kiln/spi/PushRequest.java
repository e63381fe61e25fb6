package dev.kiln.spi;

import dev.kiln.build.BootMode;
import dev.kiln.build.Format;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * An image file to publish.
 *
 * @param image         the file given on the command line
 * @param format        what the file is (from its name, or the build's record of it)
 * @param name          the image name to register ({@code --name}, else derived from the file)
 * @param arch          {@code amd64} or {@code arm64}
 * @param bootModes     what the image can boot with
 * @param contentDigest identifies the content, for skip/replace decisions ({@code dev.kiln.build.ContentDigest})
 * @param dryRun        report what would be done and send nothing
 */
public record PushRequest(Path image, Format format, String name, String arch, Set<BootMode> bootModes,
                          String contentDigest, boolean dryRun) {

    public PushRequest {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arch, "arch");
        bootModes = Set.copyOf(bootModes);
        Objects.requireNonNull(contentDigest, "contentDigest");
    }
}
