package dev.kiln.cli;

import dev.kiln.oci.RegistryOptions;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** How to reach registries, for every command that pulls (build, cache pull): one help text, one env scheme. */
final class RegistryFlags {

    @Option(names = "--mirror", paramLabel = "[REGISTRY=]URL",
            description = "Registry mirror; repeatable (env: KILN_MIRROR, comma separated).")
    List<String> mirrors = new ArrayList<>();

    @Option(names = "--cert-file", paramLabel = "PEM", description = "Extra CA certificates for registries; repeatable.")
    List<Path> certFiles = new ArrayList<>();

    @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]",
            description = "Allow plain HTTP or an unverified TLS certificate for this registry only, with a warning; "
                    + "repeatable (env: KILN_INSECURE_REGISTRIES, comma separated).")
    List<String> insecureRegistries = new ArrayList<>();

    RegistryOptions options(Map<String, String> env) {
        return RegistryOptions.of(mirrors, certFiles, insecureRegistries, env);
    }
}
