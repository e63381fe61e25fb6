package dev.kiln.rootfs;

import dev.kiln.api.BoundedInputStream;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Flattens layer tars into one tree as an OCI runtime would unpack them, reading each layer once,
 * top layer first: the first (topmost) occurrence of a name wins, {@code .wh.NAME} hides NAME and
 * everything below it in lower layers, {@code .wh..wh..opq} hides the lower contents of its
 * directory (OCI image spec, "Whiteouts"). Winning file bytes are spooled to disk.
 */
public final class LayerFlattener {

    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    /** The default of {@code --max-layer-size}: generous, but a gzip bomb stops here instead of at a full disk. */
    public static final long DEFAULT_MAX_LAYER_BYTES = 64L << 30;

    private final Path tmp;
    private final Events events;
    private final long maxLayerBytes;

    public LayerFlattener(Path tmp, Events events) {
        this(tmp, events, DEFAULT_MAX_LAYER_BYTES);
    }

    /** @param maxLayerBytes the most bytes one layer may expand to (its uncompressed tar) */
    public LayerFlattener(Path tmp, Events events, long maxLayerBytes) {
        this.tmp = tmp;
        this.events = events;
        this.maxLayerBytes = maxLayerBytes;
    }

    /**
     * @param layers bottom layer first, each an uncompressed tar
     * @param what   the image, for messages
     */
    public FlatImage flatten(List<TarSource> layers, String what) throws IOException {
        FlatImage image = new FlatImage(new SpoolFile(tmp));
        try {
            Whiteouts whiteouts = new Whiteouts();
            for (int i = layers.size() - 1; i >= 0; i--) {
                readLayer(image, whiteouts, layers.get(i), i, what + (layers.size() > 1 ? " layer " + i : ""));
                whiteouts.endLayer();
            }
            HardLinks.resolve(image, what);
            return image;
        } catch (IOException | RuntimeException e) {
            image.close();
            throw e;
        }
    }

    private void readLayer(FlatImage image, Whiteouts whiteouts, TarSource layer, int index, String what)
            throws IOException {
        boolean confined = false;
        try (InputStream in = BoundedInputStream.capped(new Source(open(layer)), maxLayerBytes,
                () -> tooLarge(what, maxLayerBytes))) {
            LayerTarInput tar = new LayerTarInput(in, what);
            for (TarArchiveEntry e = tar.next(); e != null; e = tar.next()) {
                String name = SafePaths.clean(tar.name(), what);
                confined |= SafePaths.isAbsolute(tar.name());
                if (name.isEmpty() || whiteouts.record(name)) {
                    continue;
                }
                FlatImage.Item existing = image.item(name);
                if (existing != null && existing.layer() != index || existing == null && hidden(image, whiteouts,
                        name, index)) {
                    continue;
                }
                refuseBelowNonDirectory(image, name, index, what);
                TarEntry entry = Entries.fromTar(e, name, what);
                long offset = entry.kind() == TarEntry.Kind.FILE ? spool(image, tar, entry) : 0;
                if (entry.kind() != TarEntry.Kind.DIR && !replaceDirectory(image, whiteouts, entry, index)) {
                    continue;
                }
                image.putItem(new FlatImage.Item(entry, offset, null, index));
            }
            in.transferTo(OutputStream.nullOutputStream());
        } catch (KilnException e) {
            throw e;
        } catch (IOException e) {
            throw unreadable(what, layer, e);
        }
        if (confined) {
            events.warn(what + " has entries with absolute names; they were confined to the image tree");
        }
    }

    /**
     * A layer whose entry lies below a file (or hard link, or device) that the same layer put at its parent cannot
     * be unpacked: tar and containerd stop with "not a directory". Refused rather than giving both. (Below a
     * symlink, ImageTreeWriter refuses it as going through the link.)
     */
    private static void refuseBelowNonDirectory(FlatImage image, String name, int index, String what) {
        for (String a = SafePaths.parent(name); !a.isEmpty(); a = SafePaths.parent(a)) {
            FlatImage.Item above = image.item(a);
            TarEntry.Kind kind = above == null ? null : above.entry().kind();
            if (above != null && above.layer() == index && kind != TarEntry.Kind.DIR && kind != TarEntry.Kind.SYMLINK) {
                throw malformed(what, "its entry '" + name + "' lies below '" + a + "', which the same layer makes "
                        + "a " + kind.name().toLowerCase(java.util.Locale.ROOT)
                        + ", not a directory, so it cannot be unpacked");
            }
        }
    }

    /**
     * A non-directory at {@code name} replaces what its own layer put there before, and everything that layer
     * put below it (tar order: the later entry wins, as tar and containerd unpack it). If an upper layer has
     * entries below {@code name}, that layer needs a directory there: the non-directory is hidden, as is
     * everything lower layers have at {@code name} (an upper directory over a lower file, OCI "Changesets").
     * A lower symlink stays, and ImageTreeWriter refuses the upper entries that would go through it.
     *
     * @return whether the entry takes its place
     */
    private static boolean replaceDirectory(FlatImage image, Whiteouts whiteouts, TarEntry entry, int index) {
        String name = entry.name();
        image.below(name).values().removeIf(i -> i.layer() == index);
        if (entry.kind() != TarEntry.Kind.SYMLINK && image.hasBelow(name)) {
            image.remove(name);
            whiteouts.hideBelow(name);
            return false;
        }
        return true;
    }

    private static KilnException unreadable(String what, TarSource layer, IOException e) {
        String blob = layer.describe().map(d -> " (" + d + ")").orElse("");
        String reason = e instanceof SourceFailure f
                ? "its data cannot be read or decompressed: " + KilnException.reason(f.getCause())
                : "it is not a readable tar archive: " + KilnException.reason(e);
        return KilnException.tried("unpack " + what + blob, reason,
                "the blob is damaged; pull the image again with --pull, or rebuild the image", e);
    }

    private static InputStream open(TarSource layer) throws IOException {
        try {
            return layer.open();
        } catch (IOException e) {
            throw new SourceFailure(e);
        }
    }

    /** A failure of the layer's own stream (its file, or its decompressor), told apart from tar's. */
    private static final class SourceFailure extends IOException {
        SourceFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Reading past the limit: a small layer that expands this far is a compression bomb. */
    private static KilnException tooLarge(String what, long max) {
        return KilnException.tried("unpack " + what, "it expands to more than "
                + dev.kiln.api.ByteSize.format(max) + " (the --max-layer-size limit)", "raise --max-layer-size if the image is meant "
                + "to be that large; a small layer that expands this far is a compression bomb");
    }

    /** The layer's own stream, its failures told apart from tar's. */
    private static final class Source extends java.io.FilterInputStream {
        Source(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                throw new SourceFailure(e);
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return in.skip(n);
            } catch (IOException e) {
                throw new SourceFailure(e);
            }
        }
    }

    private static long spool(FlatImage image, InputStream data, TarEntry entry) throws IOException {
        return image.spool().append(data, entry.size());
    }

    /** Hidden by a whiteout or opaque directory above, or by a non-directory an upper layer put at an ancestor. */
    private static boolean hidden(FlatImage image, Whiteouts whiteouts, String name, int index) {
        if (whiteouts.hides(name)) {
            return true;
        }
        for (String a = SafePaths.parent(name); !a.isEmpty(); a = SafePaths.parent(a)) {
            FlatImage.Item above = image.item(a);
            if (above != null && above.layer() != index && above.entry().kind() != TarEntry.Kind.DIR) {
                return true;
            }
        }
        return false;
    }

    /** Whiteouts seen so far; those of the layer being read apply only to the layers below it. */
    private static final class Whiteouts {
        private final Set<String> deleted = new HashSet<>();
        private final Set<String> opaque = new HashSet<>();
        private final Set<String> layerDeleted = new HashSet<>();
        private final Set<String> layerOpaque = new HashSet<>();

        /** True when {@code name} is a whiteout marker (and records it). */
        boolean record(String name) {
            String base = SafePaths.baseName(name);
            if (!base.startsWith(WHITEOUT)) {
                return false;
            }
            String dir = SafePaths.parent(name);
            if (base.equals(OPAQUE)) {
                layerOpaque.add(dir);
            } else {
                String hiddenBase = base.substring(WHITEOUT.length());
                layerDeleted.add(dir.isEmpty() ? hiddenBase : dir + "/" + hiddenBase);
            }
            return true;
        }

        boolean hides(String name) {
            if (deleted.contains(name)) {
                return true;
            }
            for (String a = SafePaths.parent(name); ; a = SafePaths.parent(a)) {
                if (deleted.contains(a) || opaque.contains(a)) {
                    return true;
                }
                if (a.isEmpty()) {
                    return false;
                }
            }
        }

        /** Hides {@code name} and all below it from the layers under the one being read. */
        void hideBelow(String name) {
            layerDeleted.add(name);
        }

        void endLayer() {
            deleted.addAll(layerDeleted);
            opaque.addAll(layerOpaque);
            layerDeleted.clear();
            layerOpaque.clear();
        }
    }

    static KilnException malformed(String what, String problem) {
        return KilnException.tried("unpack " + what, problem, "the image is malformed or malicious; rebuild it "
                + "or use another one");
    }
}
