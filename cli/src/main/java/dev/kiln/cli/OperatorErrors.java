package dev.kiln.cli;

import dev.kiln.api.KilnException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.List;

/**
 * Failures become one readable message on stderr. Stack traces only with --stacktrace (or -v for a bug);
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
        err.println("kiln: " + (interrupted ? "interrupted. " : "") + printable(message(cause)));
        boolean bug = !(cause instanceof KilnException) && !interrupted;
        // an operator error (a name conflict, missing credentials) is its message; a trace is for
        // --stacktrace, or for a bug when -v asked for details
        if (root.stacktrace() || (bug && root.verbose())) {
            ex.printStackTrace(err);
        } else if (bug) {
            err.println("(run again with --stacktrace to see where; this looks like a bug in kiln, please report it)");
        }
        err.flush();
        int code = interrupted ? Kiln.INTERRUPTED
                : cause instanceof KilnException k && k.isUsage() ? Kiln.USAGE : Kiln.FAILURE;
        root.results().failure(command(cmd), provider(cmd), (interrupted ? "interrupted. " : "") + message(cause), code);
        return code;
    }

    /** The command word a result document names: build, push, run, cache, ... */
    static String command(CommandLine cmd) {
        CommandLine.Model.CommandSpec spec = cmd.getCommandSpec();
        while (spec.parent() != null && spec.parent().parent() != null) {
            spec = spec.parent();
        }
        return spec.parent() == null ? "kiln" : spec.name();
    }

    /**
     * {@code text} with control characters (ESC, BEL, C1 controls, bidi overrides) other than newline and tab shown
     * as backslash-x and backslash-u escapes: a message may quote what a server or a file sent, and its bytes must
     * not move the cursor, retitle the window or clear the operator's terminal.
     */
    static String printable(String text) {
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (c == '\n' || c == '\t' || !Character.isISOControl(c) && Character.getType(c) != Character.FORMAT) {
                b.appendCodePoint(c);
            } else {
                b.append(c <= 0xff ? String.format("\\x%02x", c) : String.format("\\u%04x", c));
            }
        });
        return b.toString();
    }

    /** A terminal control sequence: CSI (ESC [ ... final byte), OSC (ESC ] ... BEL or ESC \), or ESC and one byte. */
    private static final java.util.regex.Pattern SEQUENCE = java.util.regex.Pattern.compile(
            "\u001b\\[[0-?]*[ -/]*[@-~]|\u001b\\][^\u0007\u001b]*(\u0007|\u001b\\\\)|\u001b[@-Z\\\\^_=>c]");

    /**
     * {@code text} without complete terminal control sequences, then {@link #printable}: what a guest's firmware
     * paints on its screen (OVMF clears it and moves the cursor) is noise in a log line, so it is dropped; any
     * other control character is still shown, never sent.
     */
    static String loggable(String text) {
        return printable(SEQUENCE.matcher(text).replaceAll(""));
    }

    /** The provider of a failed {@code push}, {@code run}, {@code ls} or {@code rm NAME}, which its failure document names; else null. */
    static String provider(CommandLine cmd) {
        CommandLine.Model.CommandSpec spec = cmd.getCommandSpec();
        CommandLine.Model.CommandSpec verb = spec.parent();
        boolean providerCommand = verb != null && verb.parent() != null && verb.parent().parent() == null
                && List.of("push", "run", "ls", "rm").contains(verb.name());
        return providerCommand ? spec.name() : null;
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
