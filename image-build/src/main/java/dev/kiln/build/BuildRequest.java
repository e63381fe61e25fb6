package dev.kiln.build;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What {@code kiln build} was asked for.
 *
 * @param configs         YAML files in merge order; {@code -} is stdin
 * @param name            output prefix; empty means the last config's base name ({@code moby} for stdin)
 * @param dir             output directory
 * @param output          a single streamable output file, or {@code -} for stdout
 * @param formats         what to write (default kernel+initrd, or tar with {@code output})
 * @param arch            target architecture, {@code amd64} or {@code arm64}
 * @param size            disk size in bytes, when given
 * @param cache           OCI layout directory used as the image cache
 * @param mirrors         registry mirrors, {@code registry=url} or a bare url
 * @param certFiles       extra CA certificates for pulls
 * @param pull            always pull, even when cached
 * @param decompressKernel gunzip the kernel
 * @param bootloaders     a directory or image reference holding boot loader binaries, searched before the
 *                        host's paths ({@code --bootloaders}, else {@code KILN_BOOTLOADERS})
 * @param dryRun          print the merged config and stop
 */
public record BuildRequest(List<Path> configs, String name, Path dir, Optional<String> output, List<Format> formats,
                           String arch, OptionalLong size, Path cache, List<String> mirrors, List<Path> certFiles,
                           boolean pull, boolean decompressKernel, Optional<String> bootloaders,
                           boolean dryRun) {

    public BuildRequest {
        configs = List.copyOf(configs);
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(output, "output");
        formats = List.copyOf(formats);
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(cache, "cache");
        mirrors = List.copyOf(mirrors);
        certFiles = List.copyOf(certFiles);
        Objects.requireNonNull(bootloaders, "bootloaders");
    }
}
