package dev.kiln.packet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** A local folder that something (kiln serve, nginx, a TFTP/HTTP boot server) serves at {@code --base-url}. */
final class DirectoryDestination implements Destination {

    private final Path dir;
    private final String baseUrl;

    DirectoryDestination(Path dir, String baseUrl) {
        this.dir = dir;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    @Override
    public String describe() {
        return dir.toString();
    }

    @Override
    public Optional<String> read(String file) throws IOException {
        Path p = dir.resolve(file);
        return Files.isRegularFile(p) ? Optional.of(Files.readString(p, StandardCharsets.UTF_8)) : Optional.empty();
    }

    /** Copies beside the target under a hidden name; commit renames it over the target in one step. */
    @Override
    public Staged stage(String file, Path source, String contentType) throws IOException {
        Files.createDirectories(dir);
        Path tmp = partial(file);
        try {
            Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return new Staged() {
            @Override
            public void commit() throws IOException {
                Files.move(tmp, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }

            @Override
            public void discard() throws IOException {
                Files.deleteIfExists(tmp);
            }
        };
    }

    /** The temporary name a file is staged under: hidden, beside it, so the rename stays in one file system. */
    Path partial(String file) {
        return dir.resolve("." + file + ".kiln-partial");
    }

    @Override
    public boolean renames() {
        return true;
    }

    @Override
    public boolean checkAfterPush() {
        return false;
    }

    /** Hidden files (kiln's partials among them) are left out; a folder that is not there holds nothing. */
    @Override
    public List<Stored> list() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> found = files.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
            List<Stored> stored = new java.util.ArrayList<>();
            for (Path p : found) {
                stored.add(new Stored(p.getFileName().toString(),
                        Optional.of(Files.getLastModifiedTime(p).toInstant())));
            }
            return stored;
        }
    }

    @Override
    public void delete(String file) throws IOException {
        Files.deleteIfExists(dir.resolve(file));
    }

    @Override
    public String url(String file) {
        return baseUrl + "/" + file;
    }

    @Override
    public Optional<String> baseUrl() {
        return Optional.of(baseUrl);
    }
}
