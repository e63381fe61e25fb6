package dev.kiln.cli;

import picocli.CommandLine.Model.CommandSpec;

/**
 * Old spellings of options that still work for a while: each use says once, in one line on stderr,
 * what to write instead. The old spellings are hidden from help and completion.
 */
final class Deprecations {

    private Deprecations() {
    }

    /** Warns that {@code old} was used, on the session's stderr (never stdout, which may carry a result). */
    static void warn(CommandSpec spec, String old, String now) {
        Kiln.root(spec).session().err().println(message(old, now));
    }

    static String message(String old, String now) {
        return "kiln: warning: " + old + " is deprecated; use " + now;
    }
}
