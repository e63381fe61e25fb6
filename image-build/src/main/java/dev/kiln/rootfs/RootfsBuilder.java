package dev.kiln.rootfs;

import dev.kiln.config.ImageSpec;
import dev.kiln.config.KilnConfig;
import dev.kiln.api.Events;
import dev.kiln.oci.ImageStore;
import dev.kiln.oci.LocalImage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a configuration's root filesystem as one tar stream, section by section in LinuxKit's
 * order: kernel, init, volumes, onboot, onshutdown, services, files. Within an image, entries
 * are sorted by name; everything else is in configuration order, so the same inputs give the
 * same bytes.
 */
public final class RootfsBuilder {

    /** Where to read images, where to spool, and the build switches the root filesystem depends on. */
    public record Options(ImageStore store, String arch, boolean pull, boolean decompressKernel, Path tmp,
                          Path home, Path filesRoot, long maxLayerBytes) {

        public Options(ImageStore store, String arch, boolean pull, boolean decompressKernel, Path tmp, Path home,
                       Path filesRoot) {
            this(store, arch, pull, decompressKernel, tmp, home, filesRoot, LayerFlattener.DEFAULT_MAX_LAYER_BYTES);
        }

        /** No {@code --files-root}: a {@code files: source:} may name any readable host file, as in LinuxKit. */
        public Options(ImageStore store, String arch, boolean pull, boolean decompressKernel, Path tmp, Path home) {
            this(store, arch, pull, decompressKernel, tmp, home, null);
        }
    }

    private final List<String> hostSources = new ArrayList<>();

    private final Options options;
    private final Events events;

    public RootfsBuilder(Options options, Events events) {
        this.options = options;
        this.events = events;
    }

    /** After {@link #write}: the {@code files: source:} paths outside the folder of the YAML that names them. */
    public List<String> hostSources() {
        return List.copyOf(hostSources);
    }

    public void write(KilnConfig config, OutputStream target) throws IOException {
        ImageResolver images = new ImageResolver(options.store(), options.arch(), options.pull(), options.tmp(),
                events, options.maxLayerBytes());
        Map<String, Long> ids = ids(config);
        RootfsWriter out = new RootfsWriter(target);
        if (config.kernel().present()) {
            events.phase("kernel");
            new KernelSection(images, options.tmp(), options.decompressKernel()).write(config.kernel(), out);
        }
        writeInit(config.init(), images, out);
        new VolumesSection(images).write(config.volumes(), out);
        BundleWriter bundles = new BundleWriter(images, new OciSpecGenerator(ids), config);
        writeBundles(bundles, config.onboot(), "onboot", true, out);
        writeBundles(bundles, config.onshutdown(), "onshutdown", true, out);
        writeBundles(bundles, config.services(), "services", false, out);
        FilesSection files = new FilesSection(ids, options.home(), options.filesRoot());
        files.write(config, out);
        hostSources.addAll(files.outsideSources());
        if (!hostSources.isEmpty()) {
            events.warn("files: embeds host files from outside the configuration's folder: "
                    + String.join(", ", hostSources) + " (pass --files-root DIR to confine sources to DIR)");
        }
        out.close();
    }

    /** uid/gid by container name: onboot, onshutdown, then services, from 100 up (LinuxKit's idMap). */
    public static Map<String, Long> ids(KilnConfig config) {
        Map<String, Long> ids = new LinkedHashMap<>();
        long next = 100;
        List<ImageSpec> all = new ArrayList<>(config.onboot());
        all.addAll(config.onshutdown());
        all.addAll(config.services());
        for (ImageSpec s : all) {
            ids.put(s.name(), next++);
        }
        return ids;
    }

    private void writeInit(List<String> init, ImageResolver images, RootfsWriter out) throws IOException {
        try (ApkDatabases apk = new ApkDatabases(options.tmp())) {
            for (int i = 0; i < init.size(); i++) {
                String location = "init[" + i + "]";
                events.phase("init " + init.get(i));
                LocalImage image = images.resolve(init.get(i), location);
                try (FlatImage flat = images.flatten(image)) {
                    ContainerFilter.apply(flat, true);
                    ImageTreeWriter.write(flat, "", out, image.reference(), location, "image " + image.reference());
                    apk.collect(flat);
                }
            }
            apk.write(out);
        }
    }

    private void writeBundles(BundleWriter bundles, List<ImageSpec> specs, String section, boolean numbered,
                              RootfsWriter out) throws IOException {
        for (int i = 0; i < specs.size(); i++) {
            ImageSpec s = specs.get(i);
            events.phase(section + " " + s.name());
            String dir = numbered ? String.format("%03d-%s", i, s.name()) : s.name();
            bundles.write(s, section, i, dir, out);
        }
    }
}
