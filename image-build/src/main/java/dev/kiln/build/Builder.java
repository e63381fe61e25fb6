package dev.kiln.build;

import dev.kiln.api.Trees;
import dev.kiln.boot.BootFiles;
import dev.kiln.boot.BootloaderImage;
import dev.kiln.boot.Bootloaders;
import dev.kiln.config.ConfigMerger;
import dev.kiln.config.ConfigPrinter;
import dev.kiln.config.KilnConfig;
import dev.kiln.core.Digests;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.oci.ImageStore;
import dev.kiln.rootfs.InitrdWriter;
import dev.kiln.rootfs.RootfsBuilder;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs a build: parse and merge the configs, resolve images through the {@link ImageStore}, write
 * the root filesystem tar to a temporary directory, split it into kernel, cmdline, microcode and
 * initrd, then hand the boot files to the writer of each requested format. Boot loader binaries
 * come from {@link BuildRequest#bootloaders()} (unpacked into the same temporary directory) first,
 * then the host.
 */
public final class Builder {

    private final Events events;
    private final ImageStore store;
    private final InputStream stdin;
    private Path workBase;
    private Path filesRoot;
    private long maxLayerBytes = dev.kiln.rootfs.LayerFlattener.DEFAULT_MAX_LAYER_BYTES;

    /** A builder that can only do dry runs: no image store is wired in. */
    public Builder(Events events) {
        this(events, null, System.in);
    }

    public Builder(Events events, ImageStore store) {
        this(events, store, System.in);
    }

    /** @param stdin where a config named {@code -} is read from */
    public Builder(Events events, ImageStore store, InputStream stdin) {
        this.events = events;
        this.store = store;
        this.stdin = stdin;
    }

    /**
     * Puts the build's scratch folder (the root filesystem tar, unpacked bootloaders) under {@code base}
     * instead of the output folder, its default: never {@code java.io.tmpdir}, which is RAM on tmpfs hosts.
     */
    public Builder workIn(Path base) {
        this.workBase = base;
        return this;
    }

    /** The most bytes one image layer may expand to ({@code --max-layer-size}). */
    public Builder maxLayerSize(long bytes) {
        this.maxLayerBytes = bytes;
        return this;
    }

    /** Confines {@code files: source:} to {@code root} ({@code --files-root}, env {@code KILN_FILES_ROOT}). */
    public Builder filesRoot(Path root) {
        this.filesRoot = root;
        return this;
    }

    /**
     * @param stdout where a streamable output named {@code -} goes, and where a dry run prints the config
     */
    public BuildResult build(BuildRequest request, OutputStream stdout) {
        events.phase("config");
        KilnConfig config = new ConfigMerger(events, stdin).load(request.configs());
        String name = name(request);
        if (request.dryRun()) {
            write(stdout, ConfigPrinter.yaml(config).getBytes(StandardCharsets.UTF_8));
            return new BuildResult(name, request.arch(), "", List.of());
        }
        checkFormats(request, config);
        if (store == null) {
            throw KilnException.tried("build " + name, "this kiln has no image store to read images from",
                    "use --dry-run to check the configuration, or a kiln build that includes the image cache");
        }
        createOutputDir(request.dir());
        Path base = workBase != null ? workBase : request.dir().toAbsolutePath();
        BuildFolders.Held held = createTemp(base);
        Path tmp = held.dir();
        BuildFolders.sweep(tmp.getParent(), tmp, events);
        try {
            return build(request, config, name, tmp, stdout);
        } catch (java.io.InterruptedIOException e) {
            throw KilnException.tried("build " + name, "it was interrupted (" + KilnException.reason(e) + ")",
                    "outputs already written stay in " + request.dir().toAbsolutePath() + "; the scratch folder "
                            + "is removed", e);
        } catch (IOException e) {
            throw KilnException.tried("build " + name, KilnException.reason(e), "check free space in " + tmp.getParent()
                    + ", or pass --work-dir DIR (or set KILN_WORK_DIR) to a folder with more", e);
        } finally {
            try {
                held.close();
            } catch (IOException ignored) {
                // the lock goes with the folder
            }
            Trees.deleteQuietly(tmp);
        }
    }

    private BuildResult build(BuildRequest request, KilnConfig config, String name, Path tmp, OutputStream stdout)
            throws IOException {
        Bootloaders loaders = bootloaders(request, tmp);
        events.phase("root filesystem");
        Path tar = tmp.resolve("rootfs.tar");
        MessageDigest sha = Digests.sha256();
        RootfsBuilder rootfs = new RootfsBuilder(new RootfsBuilder.Options(store, request.arch(), request.pull(),
                request.decompressKernel(), tmp, Path.of(System.getProperty("user.home")), filesRoot, maxLayerBytes), events);
        try (OutputStream out = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(tar), 1 << 16),
                sha)) {
            rootfs.write(config, out);
        }
        String digest = "sha256:" + Digests.hex(sha.digest());
        InitrdWriter.Split split = needsBoot(request.formats())
                ? split(tar, tmp, config)
                : new InitrdWriter.Split(Optional.empty(), config.kernel().cmdlineOrEmpty(), Optional.empty(),
                tmp.resolve("initrd.img"));
        BootFiles files = new BootFiles(name, request.dir(), tar, split.kernel().orElse(tmp.resolve("kernel")),
                split.initrd(), split.cmdline(), split.ucode(), request.arch(), digest, request.size(), loaders, events);
        List<Artifact> artifacts = new ArrayList<>();
        for (Format format : request.formats()) {
            dev.kiln.limits.Interruptions.check("the outputs");
            boolean streamed = format == Format.TAR && request.output().isPresent();
            events.phase("write " + format.id() + " " + (!streamed ? String.join(", ", format.fileNames(name))
                    : "-".equals(request.output().get()) ? "to stdout" : Path.of(request.output().get()).getFileName()));
            if (streamed) {
                artifacts.add(stream(tar, request.output().get(), stdout));
            } else {
                artifacts.addAll(Outputs.writerFor(format).write(format, files));
            }
        }
        return new BuildResult(name, request.arch(), digest, artifacts, rootfs.hostSources());
    }

    /** Resolved before the root filesystem is written, so a wrong {@code --bootloaders} fails fast. */
    private Bootloaders bootloaders(BuildRequest request, Path tmp) {
        if (!needsBoot(request.formats())) {
            return Bootloaders.host();
        }
        if (request.bootloaders().isPresent()) {
            events.phase("boot loaders");
        }
        return BootloaderImage.resolve(request.bootloaders(), store, request.arch(), request.pull(),
                tmp.resolve("bootloader-image"), events);
    }

    private InitrdWriter.Split split(Path tar, Path tmp, KilnConfig config) throws IOException {
        events.phase("initrd");
        return InitrdWriter.split(tar, tmp, entry -> origin(config, entry));
    }

    /** Which image of the configuration put {@code entry} (a path in the root filesystem) there. */
    static String origin(KilnConfig config, String entry) {
        String[] sections = {"onboot", "onshutdown", "services"};
        List<List<dev.kiln.config.ImageSpec>> lists = List.of(config.onboot(), config.onshutdown(), config.services());
        for (int k = 0; k < sections.length; k++) {
            List<dev.kiln.config.ImageSpec> specs = lists.get(k);
            for (int i = 0; i < specs.size(); i++) {
                dev.kiln.config.ImageSpec s = specs.get(i);
                String dir = k < 2 ? String.format("%03d-%s", i, s.name()) : s.name();
                if (entry.startsWith("containers/" + sections[k] + "/" + dir + "/")) {
                    return "image " + s.image() + " (" + sections[k] + " " + s.name() + ")";
                }
            }
        }
        if (entry.startsWith("containers/")) {
            return "a container bundle";
        }
        return config.init().isEmpty() ? "the kernel image or files:" : "an init image (" + String.join(", ",
                config.init()) + "), the kernel image or files:";
    }

    private static Artifact stream(Path tar, String output, OutputStream stdout) throws IOException {
        if (output.equals("-")) {
            Files.copy(tar, stdout);
            stdout.flush();
            return new Artifact(Path.of("-"), Format.TAR, Files.size(tar), Digests.sha256Hex(tar),
                    Format.TAR.bootModes());
        }
        Path target = Path.of(output);
        Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
        return BasicOutputs.artifact(target, Format.TAR);
    }

    private static void checkFormats(BuildRequest request, KilnConfig config) {
        if (!config.kernel().present() && needsBoot(request.formats())) {
            throw KilnException.usage("The configuration has no kernel, so only -f tar can be built; add a "
                    + "kernel: section with an image");
        }
        for (Format f : request.formats()) {
            Outputs.writerFor(f);
        }
    }

    private static boolean needsBoot(List<Format> formats) {
        return formats.stream().anyMatch(f -> f != Format.TAR);
    }

    /** --name, else the last config's base name without extension, {@code moby} for stdin (as LinuxKit). */
    static String name(BuildRequest request) {
        if (!request.name().isEmpty()) {
            dev.kiln.limits.Names.problem(request.name()).ifPresent(why -> {
                throw KilnException.usage("--name '" + request.name() + "' is not allowed: " + why
                        + "; outputs are written as NAME.FORMAT inside --dir");
            });
            return request.name();
        }
        Path last = request.configs().get(request.configs().size() - 1);
        if (last.toString().equals("-")) {
            return "moby";
        }
        String base = last.getFileName().toString();
        int dot = base.lastIndexOf('.');
        return dot > 0 ? base.substring(0, dot) : base;
    }

    /** The output folder is made before anything is written, the same way whatever the formats. */
    private static void createOutputDir(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw KilnException.tried("create the output folder " + dir, e instanceof java.nio.file.FileAlreadyExistsException
                    ? "a file of that name is in the way" : KilnException.reason(e),
                    "pass --dir a folder you can write to").asUsage();
        }
    }

    private static BuildFolders.Held createTemp(Path base) {
        try {
            return BuildFolders.create(base);
        } catch (IOException e) {
            throw KilnException.tried("create a scratch folder in " + base, KilnException.reason(e),
                    "pass --work-dir DIR (or set KILN_WORK_DIR) to a writable folder", e);
        }
    }

    private static void write(OutputStream out, byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
