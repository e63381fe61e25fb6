package dev.kiln.cli;

import dev.kiln.oci.Importer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

@Command(name = "import", mixinStandardHelpOptions = true, header = "Add images from an OCI archive, an OCI layout directory or a docker save tarball.",
        description = {"Blobs are verified against their digests as they are copied. Images are named by their org.opencontainers.image.ref.name annotation or RepoTags, or by --ref."})
final class CacheImportCommand extends CacheBaseCommand {

    @Parameters(paramLabel = "SOURCE", description = "A .tar (optionally gzipped) or an OCI layout directory.")
    Path source;

    @Option(names = "--ref", paramLabel = "NAME", description = "Name for the image (when the source holds exactly one).")
    String ref;

    @Override
    public Integer call() throws Exception {
        List<String> names = new Importer(layout(), events()).importFrom(source, Optional.ofNullable(ref));
        StringBuilder text = new StringBuilder();
        names.forEach(n -> text.append("imported ").append(n).append(System.lineSeparator()));
        return result("cache import", Map.of("source", source.toString(), "images", names), text.toString());
    }
}
