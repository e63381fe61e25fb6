package dev.kiln.cli;

import dev.kiln.build.ContentDigest;
import dev.kiln.build.Format;
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

    static PushRequest describe(Path image, String name, Architecture arch, boolean dryRun, ProviderFactory factory,
                                Events events) {
        if (!Files.isRegularFile(image)) {
            throw KilnException.usage("No such image file: " + image + "; build one with 'kiln build -f "
                    + factory.accepts().iterator().next() + " FILE.yml'");
        }
        String fileName = image.getFileName().toString();
        Format format = formatOf(fileName).orElseThrow(() -> KilnException.usage(
                "Cannot tell the format of " + fileName + " from its name; " + factory.name() + " takes files named "
                        + "like kiln build names them: " + String.join(", ",
                        factory.accepts().stream().map(f -> Format.of(f.id()).fileNames("NAME").get(0)).sorted().toList())));
        events.debug("digest of " + image);
        String digest = ContentDigest.of(image, format);
        return new PushRequest(Artifact.single(ImageFormat.of(format.id()), image),
                name == null ? baseName(fileName) : name, arch, format.bootModes(), digest, PublishPolicy.DEFAULT, dryRun);
    }
}
