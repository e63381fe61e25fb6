package dev.kiln.boot;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.oci.ImageReference;
import dev.kiln.oci.ImageStore;
import dev.kiln.oci.LocalImage;
import dev.kiln.rootfs.FlatImage;
import dev.kiln.rootfs.ImageResolver;
import dev.kiln.rootfs.TarEntry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns what {@code --bootloaders} or {@code KILN_BOOTLOADERS} names into {@link Bootloaders}: a
 * directory is searched as it is; anything else is an image reference, resolved through the
 * build's {@link ImageStore} (cache, then registries) and unpacked into a private directory.
 *
 * <p>The layers are flattened by the root filesystem's {@code LayerFlattener}, which checks every
 * blob's digest, applies whiteouts and rejects names that leave the tree. Only the regular files
 * (or hard links to them) at {@link Bootloaders#knownPaths()} are then written out, under those
 * fixed names, so no name or link taken from the image ever decides where a file lands.
 */
public final class BootloaderImage {

    private BootloaderImage() {
    }

    /**
     * @param source the option's value, if any
     * @param tmp    a directory to create inside the build's private temporary directory, which the
     *               caller deletes after the build
     */
    public static Bootloaders resolve(Optional<String> source, ImageStore store, String arch, boolean pull, Path tmp,
                                      Events events) {
        if (source.isEmpty() || source.get().isBlank()) {
            return Bootloaders.host();
        }
        String value = source.get().trim();
        Path dir = Path.of(value);
        if (Files.isDirectory(dir)) {
            return Bootloaders.first(dir);
        }
        checkReference(value);
        try {
            return Bootloaders.first(unpack(value, store, arch, pull, tmp, events));
        } catch (IOException e) {
            throw KilnException.tried("unpack the boot loader image " + value, KilnException.reason(e),
                    "check free space in " + tmp, e);
        }
    }

    private static void checkReference(String value) {
        try {
            ImageReference.parse(value);
        } catch (KilnException e) {
            throw KilnException.usage(Bootloaders.OPTION + " (or " + Bootloaders.ENV + ") '" + value
                    + "' is neither a directory nor an image reference: " + KilnException.reason(e));
        }
    }

    private static Path unpack(String reference, ImageStore store, String arch, boolean pull, Path tmp, Events events)
            throws IOException {
        Files.createDirectories(tmp);
        ImageResolver resolver = new ImageResolver(store, arch, pull, tmp, events);
        LocalImage image = resolver.resolve(reference, Bootloaders.OPTION);
        Path root = Files.createDirectories(tmp.resolve("bootloaders"));
        int written = 0;
        try (FlatImage flat = resolver.flatten(image)) {
            for (String name : Bootloaders.knownPaths()) {
                written += copy(flat, name, root) ? 1 : 0;
            }
        }
        events.info("boot loaders: " + written + " file(s) from " + image.reference());
        return root;
    }

    private static boolean copy(FlatImage flat, String name, Path root) throws IOException {
        TarEntry entry = flat.get(name);
        String data = entry == null ? null : switch (entry.kind()) {
            case FILE -> name;
            case HARDLINK -> entry.linkName();
            default -> null;
        };
        if (data == null) {
            return false;
        }
        Path target = root.resolve(name);
        Files.createDirectories(target.getParent());
        try (InputStream in = flat.open(data)) {
            Files.copy(in, target);
        }
        return true;
    }
}
