package dev.kiln.cli;

import dev.kiln.api.KilnException;
import dev.kiln.oci.Exporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

@Command(name = "export", mixinStandardHelpOptions = true, header = "Write cached images to an OCI archive (a tar of an OCI image layout).")
final class CacheExportCommand extends CacheBaseCommand {

    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Cached image references.")
    List<String> images;

    @Option(names = {"-o", "--output-file"}, paramLabel = "FILE|-", required = true, description = "The archive to write; '-' is stdout.")
    String output;

    @Override
    public Integer call() throws Exception {
        if ("-".equals(output)) {
            new Exporter(layout(), events()).export(images, root().session().stdout());
            root().session().stdout().flush();
            return Kiln.OK;
        }
        Path file = Path.of(output);
        Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".kiln-export-", ".partial");
        List<String> names;
        try {
            try (OutputStream out = Files.newOutputStream(temp)) {
                names = new Exporter(layout(), events()).export(images, out);
            }
            Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw KilnException.tried("write " + file, e.toString(), "check the directory is writable", e);
        } finally {
            Files.deleteIfExists(temp);
        }
        return result("cache export", Map.of("file", file.toString(), "images", names),
                "exported " + String.join(", ", names) + " to " + file + System.lineSeparator());
    }
}
