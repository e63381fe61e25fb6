package dev.kiln.rootfs;

import dev.kiln.config.ConfigPrinter;
import dev.kiln.config.FileSpec;
import dev.kiln.config.IdRef;
import dev.kiln.config.KilnConfig;
import dev.kiln.api.KilnException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The {@code files} section, as LinuxKit's {@code filesystem()} writes it: leading directories with
 * a mode derived from the file's (x added wherever r or w is set), default modes 0600 for files and
 * 0700 for directories, owners by number or container name, contents from the YAML, a local file
 * ({@code ~/} expanded, relative to the working directory) or the config itself ({@code metadata}).
 */
final class FilesSection {

    private static final String SOURCE = "linuxkit.files";

    private final Map<String, Long> ids;
    private final Path home;

    private final Path filesRoot;
    private final List<String> outside = new ArrayList<>();

    FilesSection(Map<String, Long> ids, Path home) {
        this(ids, home, null);
    }

    /** @param filesRoot when set, every {@code source} must resolve (symlinks followed) inside it */
    FilesSection(Map<String, Long> ids, Path home, Path filesRoot) {
        this.ids = ids;
        this.home = home;
        this.filesRoot = filesRoot;
    }

    /** Sources read from outside the folder of the YAML file that named them, in order. */
    List<String> outsideSources() {
        return List.copyOf(outside);
    }

    void write(KilnConfig config, RootfsWriter out) throws IOException {
        Set<String> added = new HashSet<>();
        for (int i = 0; i < config.files().size(); i++) {
            write(config, config.files().get(i), "files[" + i + "]", added, out);
        }
    }

    private void write(KilnConfig config, FileSpec f, String location, Set<String> added, RootfsWriter out)
            throws IOException {
        String path = SafePaths.clean(f.path(), location + " " + f.path());
        int mode = mode(f, location);
        long uid = id(f.uid(), location);
        long gid = id(f.gid(), location);
        Content content = content(config, f, location);
        if (content == null) {
            return;
        }
        String parent = SafePaths.parent(path);
        StringBuilder dir = new StringBuilder();
        for (String part : parent.isEmpty() ? new String[0] : parent.split("/")) {
            dir.append(dir.length() == 0 ? "" : "/").append(part);
            if (added.add(dir.toString())) {
                out.write(TarEntry.dir(dir.toString(), dirMode(mode)).withOwner(uid, gid),
                        InputStream.nullInputStream(), SOURCE, location);
            }
        }
        added.add(path);
        if (f.directory()) {
            out.write(TarEntry.dir(path, mode).withOwner(uid, gid), InputStream.nullInputStream(), SOURCE, location);
        } else if (f.symlink() != null && !f.symlink().isEmpty()) {
            TarEntry link = new TarEntry(path, TarEntry.Kind.SYMLINK, mode, uid, gid, 0, f.symlink(), 0, 0, Map.of());
            out.write(link, InputStream.nullInputStream(), SOURCE, location);
        } else {
            try (InputStream data = content.open()) {
                out.write(TarEntry.file(path, mode, content.size()).withOwner(uid, gid), data, SOURCE, location);
            }
        }
    }

    /** Null when an optional source is missing and the entry is skipped. */
    private Content content(KilnConfig config, FileSpec f, String location) throws IOException {
        boolean inline = f.directory() || f.symlink() != null && !f.symlink().isEmpty() || f.contents() != null;
        if (inline) {
            if (f.metadata() != null || f.source() != null) {
                throw bad(location, f, "sets contents, directory or symlink together with source or metadata",
                        "keep one of them");
            }
            if (f.directory() && f.contents() != null) {
                throw bad(location, f, "is a directory with contents", "drop contents or directory");
            }
            return Content.of(f.contents() == null ? "" : f.contents());
        }
        if (f.source() == null && f.metadata() == null) {
            throw bad(location, f, "has no contents", "set contents, source, metadata, directory or symlink");
        }
        if (f.source() != null && f.metadata() != null) {
            throw bad(location, f, "sets both source and metadata", "keep one of them");
        }
        if (f.metadata() != null) {
            return Content.of(f.metadata().equals("json") ? ConfigPrinter.json(config) : ConfigPrinter.yaml(config));
        }
        Path source = f.source().startsWith("~/") ? home.resolve(f.source().substring(2)) : Path.of(f.source());
        if (!Files.isReadable(source)) {
            if (f.optional()) {
                return null;
            }
            throw bad(location, f, "names source " + source + ", which cannot be read",
                    "fix the path, or mark the entry optional: true");
        }
        Path real = source.toRealPath();
        if (filesRoot != null) {
            Path root = filesRoot.toRealPath();
            if (!real.startsWith(root)) {
                throw bad(location, f, "names source " + source + (real.equals(source.toAbsolutePath()) ? ""
                        : " (" + real + ")") + ", which is outside --files-root " + root,
                        "move the file under " + root + ", or pass a --files-root (env KILN_FILES_ROOT) that holds it");
            }
        }
        Path yamlDir = yamlFolder(f);
        if (yamlDir == null || !real.startsWith(yamlDir)) {
            outside.add(real.toString());
        }
        return Content.of(real);
    }

    /** The real folder of the YAML file that holds {@code f}; null for stdin. */
    private static Path yamlFolder(FileSpec f) {
        String file = f.position() == null ? null : f.position().file();
        if (file == null || file.equals("<stdin>")) {
            return null;
        }
        try {
            Path parent = Path.of(file).toAbsolutePath().getParent();
            return parent == null ? null : parent.toRealPath();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static int mode(FileSpec f, String location) {
        if (f.mode() == null || f.mode().isEmpty()) {
            return f.directory() ? 0700 : 0600;
        }
        try {
            return Integer.parseInt(f.mode(), 8);
        } catch (NumberFormatException e) {
            throw bad(location, f, "has mode '" + f.mode() + "', which is not an octal number", "write e.g. \"0644\"");
        }
    }

    static int dirMode(int mode) {
        int d = mode;
        d |= (mode & 0700) != 0 ? 0100 : 0;
        d |= (mode & 0070) != 0 ? 0010 : 0;
        d |= (mode & 0007) != 0 ? 0001 : 0;
        return d;
    }

    private long id(IdRef ref, String location) {
        if (ref == null || !ref.isName()) {
            return ref == null ? 0 : ref.number();
        }
        if (ref.name().isEmpty() || ref.name().equals("root")) {
            return 0;
        }
        Long id = ids.get(ref.name());
        if (id == null) {
            throw KilnException.tried("write " + location, "there is no container named '" + ref.name()
                    + "' to take a uid/gid from", "use a number or the name of an onboot, onshutdown or service");
        }
        return id;
    }

    private static KilnException bad(String location, FileSpec f, String problem, String remedy) {
        return KilnException.tried("write " + location + " (" + f.path() + ")", "it " + problem
                + (f.position() == null ? "" : " at " + f.position()), remedy);
    }

    /** The bytes of one file, from the YAML or from a local file streamed as it is written. */
    private interface Content {
        long size() throws IOException;

        InputStream open() throws IOException;

        static Content of(String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            return new Content() {
                public long size() {
                    return bytes.length;
                }

                public InputStream open() {
                    return new ByteArrayInputStream(bytes);
                }
            };
        }

        static Content of(Path file) {
            return new Content() {
                public long size() throws IOException {
                    return Files.size(file);
                }

                public InputStream open() throws IOException {
                    return Files.newInputStream(file);
                }
            };
        }
    }
}
