package dev.kiln.cli;

import dev.kiln.build.ContentDigest;
import dev.kiln.build.BuildRecord;
import dev.kiln.build.Format;
import dev.kiln.core.Digests;
import dev.kiln.api.Architecture;
import dev.kiln.api.Artifact;
import dev.kiln.api.Events;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.PublishPolicy;
import dev.kiln.api.KilnException;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.PushRequest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Works out what a file given to push is: its format and image name from the file name LinuxKit gives it. */
final class ImageFiles {

    private record Suffix(String suffix, Format format) {}

    /** Longest first, so "-efi.img" wins over ".img". */
    private static final List<Suffix> SUFFIXES = java.util.Arrays.stream(Format.values())
            .flatMap(f -> f.fileNames("").stream().limit(1).map(s -> new Suffix(s, f)))
            .sorted(Comparator.comparingInt((Suffix s) -> s.suffix().length()).reversed())
            .toList();

    private ImageFiles() {
    }

    static Optional<Format> formatOf(String fileName) {
        return SUFFIXES.stream().filter(s -> fileName.endsWith(s.suffix()) && fileName.length() > s.suffix().length())
                .map(Suffix::format).findFirst();
    }

    static String baseName(String image) {
        String file = Path.of(image).getFileName().toString();
        return SUFFIXES.stream().filter(s -> file.endsWith(s.suffix()) && file.length() > s.suffix().length())
                .findFirst().map(s -> file.substring(0, file.length() - s.suffix().length())).orElse(file);
    }

    /**
     * What {@code push} publishes for IMAGE: a file as kiln build names it; a build record
     * ({@code NAME.kiln.json}); a build's name or folder, whose record says which output this provider takes;
     * or one file of a format of several (e.g. {@code hello-kernel}), completed from its record.
     *
     * @param arch {@code --arch}, or null when not given: then the build record's architecture, else amd64
     */
    static PushRequest describe(String image, String name, Architecture arch, boolean dryRun, ProviderFactory factory,
                                Events events) {
        Path path = Path.of(image);
        Optional<Path> record = recordFor(path);
        if (record.isPresent()) {
            return fromRecord(record.get(), name, arch, dryRun, factory, events);
        }
        if (!Files.isRegularFile(path)) {
            throw KilnException.usage("No such image file or build: " + image + "; build one with 'kiln build -f "
                    + factory.accepts().iterator().next() + " FILE.yml'");
        }
        String fileName = path.getFileName().toString();
        Format format = formatOf(fileName).orElseThrow(() -> KilnException.usage(
                "Cannot tell the format of " + fileName + " from its name; " + factory.name() + " takes files named "
                        + "like kiln build names them: " + String.join(", ", factory.accepts().stream()
                        .flatMap(f -> known(f).stream()).map(f -> f.fileNames("NAME").get(0)).sorted().toList())));
        ImageFormat given = ImageFormat.of(format.id());
        if (!factory.accepts().contains(given)) {
            // checked here, before any credential or network call, and the same in a dry run
            throw KilnException.usage(fileName + " is " + format.id() + ", which " + factory.name() + " does not take; it takes "
                    + String.join(", ", factory.accepts().stream().map(ImageFormat::id).sorted().toList())
                    + " (build one with 'kiln build -f " + factory.accepts().stream().map(ImageFormat::id).sorted()
                    .findFirst().orElse("") + " FILE.yml')");
        }
        return request(Artifact.single(given, path), name == null ? baseName(fileName) : name,
                arch == null ? Architecture.AMD64 : arch, dryRun, events);
    }

    /** The build record IMAGE names: the record itself, NAME.kiln.json, the one record in a folder, or a member's. */
    private static Optional<Path> recordFor(Path path) {
        String file = path.getFileName() == null ? "" : path.getFileName().toString();
        if (Files.isRegularFile(path) && file.endsWith(BuildRecord.SUFFIX)) {
            return Optional.of(path);
        }
        if (Files.isDirectory(path)) {
            try (Stream<Path> files = Files.list(path)) {
                List<Path> records = files.filter(p -> p.getFileName().toString().endsWith(BuildRecord.SUFFIX)).sorted()
                        .toList();
                if (records.size() != 1) {
                    throw KilnException.usage(path + (records.isEmpty() ? " holds no build record (NAME"
                            + BuildRecord.SUFFIX + "); run 'kiln build --dir " + path + "' first"
                            : " holds several builds; name one: " + records.stream().map(p -> p.getFileName().toString())
                            .toList()));
                }
                return Optional.of(records.get(0));
            } catch (java.io.IOException e) {
                throw KilnException.usage("Cannot list " + path + ": " + KilnException.reason(e));
            }
        }
        Path named = path.resolveSibling(file + BuildRecord.SUFFIX);
        if (!Files.isRegularFile(path) && Files.isRegularFile(named)) {
            return Optional.of(named);
        }
        if (Files.isRegularFile(path) && formatOf(file).filter(f -> f.fileNames("").size() > 1).isPresent()) {
            Path sibling = path.resolveSibling(baseName(file) + BuildRecord.SUFFIX);
            return Files.isRegularFile(sibling) ? Optional.of(sibling) : Optional.empty();
        }
        return Optional.empty();
    }

    private static PushRequest fromRecord(Path file, String name, Architecture arch, boolean dryRun,
                                          ProviderFactory factory, Events events) {
        BuildRecord record = BuildRecord.read(file);
        // the provider's most preferred output the build wrote (gcp takes a raw disk too, but its own tar.gz first)
        Artifact artifact = factory.accepts().stream().flatMap(f -> record.outputs().stream()
                        .filter(a -> a.format().equals(f))).findFirst()
                .orElseThrow(() -> KilnException.usage("The build " + file.getFileName() + " wrote "
                        + record.outputs().stream().map(a -> a.format().id()).toList() + "; " + factory.name()
                        + " takes " + factory.accepts().stream().map(ImageFormat::id).sorted().toList()
                        + "; build one of those with 'kiln build -f FORMAT'"));
        for (Path p : artifact.files().values()) {
            if (!Files.isRegularFile(p)) {
                throw KilnException.usage("The build record " + file + " lists " + p + ", which is missing; build again");
            }
        }
        events.info("pushing the " + artifact.format() + " output of " + file.getFileName());
        Architecture built = record.arch().isBlank() ? Architecture.AMD64 : Architecture.of(record.arch());
        if (arch != null && arch != built) {
            events.warn("--arch " + arch + " overrides the " + built + " the build record " + file.getFileName()
                    + " says it was built for");
        }
        return request(artifact, name == null ? record.name() : name, arch == null ? built : arch, dryRun, events);
    }

    private static PushRequest request(Artifact artifact, String name, Architecture arch, boolean dryRun,
                                       Events events) {
        Optional<Format> format = known(artifact.format());
        events.debug("digest of " + artifact.files().values());
        String digest = artifact.files().size() == 1
                ? ContentDigest.of(artifact.primary(), format.orElse(Format.TAR))
                : combined(artifact);
        return new PushRequest(artifact, name, arch, format.map(Format::bootModes).orElse(java.util.Set.of()), digest,
                PublishPolicy.DEFAULT, dryRun);
    }

    /** Several files: sha256 over "role sha256-of-file" lines, in role order. */
    private static String combined(Artifact artifact) {
        StringBuilder lines = new StringBuilder();
        artifact.files().forEach((role, p) -> lines.append(role).append(' ').append(Digests.sha256Hex(p)).append('\n'));
        java.security.MessageDigest sha = Digests.sha256();
        return "sha256:" + Digests.hex(sha.digest(lines.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static Optional<Format> known(ImageFormat format) {
        return java.util.Arrays.stream(Format.values()).filter(f -> f.id().equals(format.id())).findFirst();
    }
}
