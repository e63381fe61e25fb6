package dev.kiln.cli;

import dev.kiln.boot.Bootloaders;
import dev.kiln.build.BuildRequest;
import dev.kiln.build.BuildRecord;
import dev.kiln.build.BuildResult;
import dev.kiln.build.Builder;
import dev.kiln.build.Format;
import dev.kiln.api.ByteSize;
import dev.kiln.api.KilnException;
import dev.kiln.oci.CachedImageStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

@Command(name = "build", mixinStandardHelpOptions = true,
        header = "Build images from LinuxKit-style YAML, without Docker.",
        description = {"Merges the YAML files in order, pulls or reuses the images they name,",
                "lays out the root filesystem as LinuxKit does and writes each format.",
                "", "  kiln build hello.yml                       kernel+initrd (the default)",
                "  kiln build -f raw-efi,aws,gcp hello.yml    three outputs in one go",
                "  kiln build -o - hello.yml | tar t          the root filesystem to stdout",
                "  kiln build -f iso-bios --bootloaders example.org/boot:1 hello.yml",
                "                                             boot loaders from an image",
                ""},
        sortOptions = false)
final class BuildCommand implements java.util.concurrent.Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "YAML files, merged in order; '-' reads stdin.")
    List<String> files;

    @Option(names = "--name", paramLabel = "NAME", description = "Output name prefix (default: the last file's base name).")
    String name;

    @Option(names = "--dir", paramLabel = "DIR", description = "Output directory (default: the current one).")
    Path dir;

    @Option(names = {"-o", "--output-file"}, paramLabel = "FILE|-", description = "Write one streamable output (tar) to FILE or stdout.")
    String output;

    @Option(names = "--o", hidden = true, paramLabel = "FILE|-")
    void deprecatedOutput(String file) {
        Deprecations.warn(spec, "--o", "-o or --output-file");
        output = file;
    }

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", split = ",",
            description = "Output format, repeatable or a comma list (default: kernel+initrd). See 'kiln formats'.")
    List<String> formats = new ArrayList<>();

    @Option(names = "--size", paramLabel = "SIZE", description = "Disk size such as 1G, 1GiB or 512M, 1024-based; a bare number is MiB (default: the smallest that fits, in whole MiB for raw-efi,"
                    + " qcow2-efi and raw-bios, whole GiB for the hybrid disk formats; aws and gcp round up to whole GiB).")
    String size;

    @Option(names = "--arch", paramLabel = "amd64|arm64", defaultValue = "amd64", description = "Target architecture (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--cache", paramLabel = "DIR", description = "Image cache directory (env: KILN_CACHE; default: ~/.cache/kiln).")
    Path cache;

    @Mixin
    RegistryFlags registry = new RegistryFlags();

    @Option(names = "--pull", description = "Pull images even when they are cached.")
    boolean pull;

    @Option(names = "--decompress-kernel", description = "Store the kernel uncompressed.")
    boolean decompressKernel;

    @Option(names = Bootloaders.OPTION, paramLabel = "DIR|IMAGE",
            description = "Where disk formats get the systemd EFI stub and ISOLINUX: a directory, or an image "
                    + "(cache, then registry) holding Debian's paths; searched before the host's (env: "
                    + "KILN_BOOTLOADERS; default: the host's systemd-boot-efi, isolinux, syslinux-common).")
    String bootloaders;

    @Option(names = "--files-root", paramLabel = "DIR", description = "Refuse a files: source: outside DIR "
            + "(symlinks followed; env: KILN_FILES_ROOT). Without it, sources outside the YAML's folder are "
            + "embedded with a warning and listed in the result.")
    Path filesRoot;

    @Option(names = "--max-layer-size", paramLabel = "SIZE", defaultValue = "64G", description = "The most one "
            + "image layer may expand to, counted while unpacking; a size as for --size (default: ${DEFAULT-VALUE}).")
    String maxLayerSize;

    @Option(names = "--dry-run", description = "Print the merged configuration and stop.")
    boolean dryRun;

    @Override
    public Integer call() {
        KilnCommand root = Kiln.root(spec);
        Session session = root.session();
        BuildRequest request = new BuildRequest(files.stream().map(Path::of).toList(), name == null ? "" : name,
                dir == null ? Path.of("") : dir, Optional.ofNullable(output), formats(), arch, parseSize(size, "--size"),
                cacheDir(cache, session.env()), registry.mirrors, registry.certFiles, pull, decompressKernel,
                bootloaders(bootloaders, session.env()), dryRun);
        Builder builder = dryRun ? new Builder(root.events("build"))
                : new Builder(root.events("build"), new CachedImageStore(request.cache(),
                        registry.options(session.env()), root.events("pull")))
                        .workIn(root.workDir(request.dir().toAbsolutePath()));
        Path confine = filesRoot != null ? filesRoot
                : session.env().getOrDefault("KILN_FILES_ROOT", "").isEmpty() ? null
                : Path.of(session.env().get("KILN_FILES_ROOT"));
        builder.filesRoot(confine);
        builder.maxLayerSize(parseSize(maxLayerSize, "--max-layer-size")
                .orElse(dev.kiln.rootfs.LayerFlattener.DEFAULT_MAX_LAYER_BYTES));
        BuildResult result = builder.build(request, session.stdout());
        root.renderer().close();
        if (!dryRun && !"-".equals(output)) {
            BuildRecord.of(result).write(request.dir());
            root.results().build(result);
        }
        return Kiln.OK;
    }

    private List<Format> formats() {
        List<Format> out = new ArrayList<>();
        for (String f : formats) {
            out.add(Format.of(f.trim()));
        }
        if (out.isEmpty()) {
            out.add(output != null ? Format.TAR : Format.KERNEL_INITRD);
        }
        if (output != null && (out.size() != 1 || !out.get(0).streamable())) {
            throw KilnException.usage("--output-file writes one streamable format (tar); drop it or use -f tar");
        }
        return List.copyOf(out);
    }

    /** The cache directory: flag, then KILN_CACHE, then XDG_CACHE_HOME/kiln, then ~/.cache/kiln. */
    static Path cacheDir(Path flag, Map<String, String> env) {
        if (flag != null) {
            return flag;
        }
        if (env.get("KILN_CACHE") != null && !env.get("KILN_CACHE").isEmpty()) {
            return Path.of(env.get("KILN_CACHE"));
        }
        String xdg = env.get("XDG_CACHE_HOME");
        return (xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache"))
                .resolve("kiln");
    }

    /** The flag, then KILN_BOOTLOADERS; a directory or an image reference, told apart by the builder. */
    static Optional<String> bootloaders(String flag, Map<String, String> env) {
        if (flag != null && !flag.isBlank()) {
            return Optional.of(flag);
        }
        return Optional.ofNullable(env.get(Bootloaders.ENV)).filter(s -> !s.isBlank());
    }

    /** A size flag ({@link ByteSize}; a bare number is MiB, as LinuxKit reads it) in bytes. */
    static OptionalLong parseSize(String text, String flag) {
        if (text == null || text.isBlank()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(ByteSize.parse(text, ByteSize.MIB, flag).bytes());
    }
}
