package dev.kiln.cli;

import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.Set;

/** A usage error is one line, a suggestion when picocli has one, and where to read more. */
final class ShortUsageErrors implements IParameterExceptionHandler {

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        String message = unknownProvider(ex).orElse(ex.getMessage());
        err.println("kiln: " + message);
        if (unknownProvider(ex).isEmpty()) {
            UnmatchedArgumentException.printSuggestions(ex, err);
        }
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        Object root = cmd.getCommandSpec().root().userObject();
        if (root instanceof KilnCommand kiln) {
            kiln.results().failure(OperatorErrors.command(cmd), message, Kiln.USAGE);
        }
        return Kiln.USAGE;
    }

    /** {@code kiln push azure ...} where no provider named azure is installed: say so and list those that are. */
    private static Optional<String> unknownProvider(ParameterException ex) {
        CommandLine cmd = ex.getCommandLine();
        if (!(ex instanceof UnmatchedArgumentException u) || !(cmd.getCommandSpec().userObject() instanceof ProviderGroup)
                || u.getUnmatched().isEmpty() || u.getUnmatched().get(0).startsWith("-")) {
            return Optional.empty();
        }
        String verb = cmd.getCommandSpec().name();
        Set<String> installed = cmd.getSubcommands().keySet();
        return Optional.of("no provider named '" + u.getUnmatched().get(0) + "' is installed for " + verb + "; installed: "
                + (installed.isEmpty() ? "none" : String.join(", ", installed)) + " (see 'kiln providers')");
    }
}
