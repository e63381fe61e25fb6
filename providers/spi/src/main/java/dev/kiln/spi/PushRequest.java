package dev.kiln.spi;

import dev.kiln.api.Architecture;
import dev.kiln.api.Artifact;
import dev.kiln.api.BootMode;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.PublishPolicy;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * An image to publish.
 *
 * @param artifact      the format and its files (one disk, kernel+initrd+cmdline, an OVF and its disks)
 * @param name          the image name to register ({@code --name}, else derived from the file)
 * @param arch          what the image runs on
 * @param bootModes     what the image can boot with
 * @param contentDigest identifies the content, for skip/replace decisions ({@code blocks-sha256:...} for disks)
 * @param policy        if-exists, public, share-with, description, tags
 * @param dryRun        report what would be done and send nothing
 */
public record PushRequest(Artifact artifact, String name, Architecture arch, Set<BootMode> bootModes,
                          String contentDigest, PublishPolicy policy, boolean dryRun) {

    public PushRequest {
        Objects.requireNonNull(artifact, "artifact");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arch, "arch");
        bootModes = Set.copyOf(bootModes);
        Objects.requireNonNull(contentDigest, "contentDigest");
        Objects.requireNonNull(policy, "policy");
    }

    /** A one-file push with the default policy: what most tests need. */
    public static PushRequest of(Path image, ImageFormat format, String name, String contentDigest) {
        return new PushRequest(Artifact.single(format, image), name, Architecture.AMD64,
                Set.of(BootMode.BIOS, BootMode.UEFI), contentDigest, PublishPolicy.DEFAULT, false);
    }

    /** The primary file: the disk of a one-file artifact. */
    public Path image() {
        return artifact.primary();
    }

    public ImageFormat format() {
        return artifact.format();
    }

    /** The hex digits of the content digest, without its scheme ({@code sha256:} or {@code blocks-sha256:}). */
    public String digestHex() {
        return contentDigest.substring(contentDigest.indexOf(':') + 1);
    }

    public PushRequest withPolicy(PublishPolicy value) {
        return new PushRequest(artifact, name, arch, bootModes, contentDigest, value, dryRun);
    }

    public PushRequest withDryRun(boolean value) {
        return new PushRequest(artifact, name, arch, bootModes, contentDigest, policy, value);
    }

    public PushRequest withArch(Architecture value) {
        return new PushRequest(artifact, name, value, bootModes, contentDigest, policy, dryRun);
    }

    public PushRequest withBootModes(Set<BootMode> value) {
        return new PushRequest(artifact, name, arch, value, contentDigest, policy, dryRun);
    }

    public PushRequest withContentDigest(String value) {
        return new PushRequest(artifact, name, arch, bootModes, value, policy, dryRun);
    }
}
