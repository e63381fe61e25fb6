package dev.kiln.cli;

import dev.kiln.core.KilnException;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.Providers;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.util.List;

/** Assembles the command tree, wires error handling once, and runs one invocation. */
public final class Kiln {

    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    public static final int INTERRUPTED = 130;

    private Kiln() {
    }

    public static int execute(String[] args, Session session) {
        return commandLine(session, Providers.installed()).execute(args);
    }

    static CommandLine commandLine(Session session, List<ProviderFactory> providers) {
        KilnCommand root = new KilnCommand(session, providers);
        CommandLine cli = new CommandLine(root);
        CommandLine push = cli.getSubcommands().get("push");
        CommandLine run = cli.getSubcommands().get("run");
        for (ProviderFactory factory : providers) {
            if (factory.canPush()) {
                push.addSubcommand(factory.name(), new CommandLine(ProviderCommand.push(session, factory)));
            }
            if (factory.canRun()) {
                run.addSubcommand(factory.name(), new CommandLine(ProviderCommand.run(session, factory)));
            }
        }
        cli.setOut(session.out());
        cli.setErr(session.err());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler(new ShortUsageErrors());
        cli.setExecutionExceptionHandler(new OperatorErrors(session));
        cli.setExitCodeExceptionMapper(t -> t instanceof KilnException k && k.isUsage() ? USAGE : FAILURE);
        return cli;
    }

    /** The root command's user object, from any command spec in the tree. */
    static KilnCommand root(CommandSpec spec) {
        return (KilnCommand) spec.root().userObject();
    }
}
