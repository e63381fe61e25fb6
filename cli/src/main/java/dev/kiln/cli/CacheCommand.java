package dev.kiln.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "cache", mixinStandardHelpOptions = true,
        header = "Inspect and fill the local image cache (an OCI image layout directory).",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {CacheLsCommand.class, CachePullCommand.class, CacheImportCommand.class, CacheExportCommand.class,
                CacheRmCommand.class, CacheGcCommand.class, CachePackCommand.class},
        footer = {"", "The cache lives under $XDG_CACHE_HOME/kiln (or ~/.cache/kiln); move it with --cache or KILN_CACHE."})
final class CacheCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing cache command; try 'kiln cache --help'");
    }
}
