package dev.kiln.cli;

import dev.kiln.api.KilnException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * Failures become one readable message on stderr. Stack traces only with --stacktrace or -v;
 * unexpected exceptions say so and ask for a report.
 */
final class OperatorErrors implements IExecutionExceptionHandler {

    private final Session session;

    OperatorErrors(Session session) {
        this.session = session;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        KilnCommand root = Kiln.root(cmd.getCommandSpec());
        root.renderer().close();
        PrintWriter err = cmd.getErr();
        Throwable cause = ex instanceof UncheckedIOException u ? u.getCause() : ex;
        boolean interrupted = session.interrupts().signalled() || cause instanceof InterruptedException;
        err.println("kiln: " + (interrupted ? "interrupted. " : "") + message(cause));
        if (root.stacktrace()) {
            ex.printStackTrace(err);
        } else if (!(cause instanceof KilnException) && !interrupted) {
            err.println("(run again with --stacktrace to see where; this looks like a bug in kiln, please report it)");
        }
        err.flush();
        if (interrupted) {
            return Kiln.INTERRUPTED;
        }
        return cause instanceof KilnException k && k.isUsage() ? Kiln.USAGE : Kiln.FAILURE;
    }

    static String message(Throwable t) {
        if (t instanceof KilnException) {
            return t.getMessage();
        }
        if (t instanceof NoSuchFileException e) {
            return "No such file: " + e.getFile();
        }
        if (t instanceof AccessDeniedException e) {
            return "Permission denied: " + e.getFile();
        }
        if (t instanceof InterruptedException) {
            return "Stopped before finishing.";
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
