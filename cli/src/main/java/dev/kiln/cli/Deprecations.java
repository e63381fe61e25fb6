package dev.kiln.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Locale;
import java.util.Map;
import java.util.Stack;

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

    /**
     * A negatable switch's preprocessor: the old {@code --x=false} (or {@code --x false}, {@code --x=true}) is
     * read as {@code --no-x} (or {@code --x}) with a warning, by putting the new spelling back on the stack.
     */
    static boolean oldSwitchValue(Stack<String> args, CommandSpec spec, ArgSpec arg, Map<String, Object> info) {
        boolean attached = "=".equals(info.get("separator"));
        if (!attached && (args.isEmpty() || !isBoolean(args.peek()))) {
            return false;
        }
        String value = args.pop();
        String name = ((OptionSpec) arg).longestName();
        boolean negated = Boolean.TRUE.equals(info.get("negated"));
        String given = (negated ? "--no-" + name.substring(2) : name) + (attached ? "=" : " ") + value;
        if (!isBoolean(value)) {
            throw new CommandLine.ParameterException(spec.commandLine(), name + " is a switch and takes no value: "
                    + "use " + name + " or --no-" + name.substring(2) + ", not " + given);
        }
        boolean on = Boolean.parseBoolean(value.toLowerCase(Locale.ROOT)) ^ negated;
        String now = on ? name : "--no-" + name.substring(2);
        warn(spec, given, now);
        args.push(now);
        return true;
    }

    private static boolean isBoolean(String value) {
        return value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false");
    }
}
