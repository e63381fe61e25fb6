package dev.kiln.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

@Command(name = "cache", mixinStandardHelpOptions = true,
        header = "Inspect and fill the local image cache (an OCI image layout directory).",
        synopsisSubcommandLabel = "COMMAND",
        footer = {"", "The cache lives under $XDG_CACHE_HOME/kiln (or ~/.cache/kiln); move it with --cache or KILN_CACHE."})
final class CacheCommand implements Runnable {

    /**
     * The subcommands, in the order help lists them. {@link Kiln} adds them: only the one a command line
     * names (picocli models each by reflection, ~25 ms apiece on a loaded 2-core machine), or all of them.
     */
    static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

    @Spec
    CommandSpec spec;

    private static Map<String, Supplier<Object>> subcommands() {
        Map<String, Supplier<Object>> subcommands = new LinkedHashMap<>();
        subcommands.put("ls", CacheLsCommand::new);
        subcommands.put("pull", CachePullCommand::new);
        subcommands.put("import", CacheImportCommand::new);
        subcommands.put("export", CacheExportCommand::new);
        subcommands.put("rm", CacheRmCommand::new);
        subcommands.put("gc", CacheGcCommand::new);
        subcommands.put("pack", CachePackCommand::new);
        return subcommands;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing cache command; try 'kiln cache --help'");
    }
}
