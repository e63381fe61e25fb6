package dev.kiln.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "results", mixinStandardHelpOptions = true,
        header = "Work with kiln's result documents (kiln.dev/result/v1).",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {ResultsMergeCommand.class},
        footer = {"", "The schema of the documents ships with kiln: share/schema/kiln-result-v1.schema.json."})
final class ResultsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing results command; try 'kiln results --help'");
    }
}
