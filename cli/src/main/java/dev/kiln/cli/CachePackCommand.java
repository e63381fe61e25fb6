package dev.kiln.cli;

import dev.kiln.oci.Packer;
import dev.kiln.oci.Platform;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

@Command(name = "pack", mixinStandardHelpOptions = true, header = "Make a single-layer image from a local directory, without Docker.",
        description = {"The layer is deterministic (sorted entries, fixed mtimes, root ownership), so the same directory gives the same digest. Use it for kernels and init trees built locally:",
                "", "  kiln cache pack ./kernel-out --ref example.org/kernel:6.6", ""})
final class CachePackCommand extends CacheBaseCommand {

    @Parameters(paramLabel = "DIR", description = "The directory that becomes the image's file system.")
    Path dir;

    @Option(names = "--ref", paramLabel = "NAME", required = true, description = "The image's name in the cache.")
    String ref;

    @Option(names = "--arch", paramLabel = "amd64|arm64", defaultValue = "amd64", description = "The image's architecture (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "An image label, e.g. org.mobyproject.config={...}; repeatable.")
    Map<String, String> labels = new TreeMap<>();

    @Override
    public Integer call() throws Exception {
        Packer.Packed packed = new Packer(layout(), events()).pack(dir, ref, Platform.of(arch), labels);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("reference", packed.reference());
        body.put("manifest_digest", packed.manifest().digest());
        body.put("layer_digest", packed.layer().digest());
        body.put("layer_size", packed.layer().size());
        return result("cache pack", body, packed.reference() + "  " + packed.manifest().digest() + System.lineSeparator());
    }
}
