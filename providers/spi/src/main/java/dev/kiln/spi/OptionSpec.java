package dev.kiln.spi;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One flag a provider accepts, declared as data so the CLI can turn it into a real option with
 * help text. Values resolve as flag &gt; first set env var &gt; default.
 *
 * @param name         long flag without dashes, e.g. {@code region}
 * @param label        what the value is, for help ({@code REGION}); empty for a switch
 * @param help         one or two sentences that teach the option
 * @param env          env vars consulted, in order, when the flag is absent
 * @param defaultValue used when neither flag nor env is set; null for none
 * @param kind         how the value is read
 * @param secret       never shown in help defaults, logs or results
 * @param repeatable   may be given several times (and as a comma list, unless the label shows each value is
 *                     itself a comma list of key=value pairs, such as {@code size=,type=}: those are never split)
 */
public record OptionSpec(String name, String label, String help, List<String> env, String defaultValue,
                         Kind kind, boolean secret, boolean repeatable) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");

    /**
     * How a value is read. {@code KEY_VALUES} is one value made of comma-separated parts, such as
     * {@code --disk file=a.img,size=2G}: it is never split on commas, so a repeatable one is repeated
     * by giving the flag again.
     */
    public enum Kind { STRING, INT, SWITCH, PATH, DURATION, KEY_VALUES, SIZE }

    public OptionSpec {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("option name must be lower-case kebab: " + name);
        }
        Objects.requireNonNull(help, "help");
        Objects.requireNonNull(kind, "kind");
        label = label == null ? "" : label;
        env = List.copyOf(env);
    }

    public static OptionSpec string(String name, String label, String help) {
        return new OptionSpec(name, label, help, List.of(), null, Kind.STRING, false, false);
    }

    public static OptionSpec integer(String name, String label, String help) {
        return new OptionSpec(name, label, help, List.of(), null, Kind.INT, false, false);
    }

    public static OptionSpec path(String name, String label, String help) {
        return new OptionSpec(name, label, help, List.of(), null, Kind.PATH, false, false);
    }

    /** A duration such as {@code 90s}, {@code 30m}, {@code 2h} or ISO-8601 {@code PT30M}. */
    public static OptionSpec duration(String name, String label, String help) {
        return new OptionSpec(name, label, help, List.of(), null, Kind.DURATION, false, false);
    }

    /**
     * A size such as {@code 10G}, {@code 10GiB} or {@code 512M} ({@link dev.kiln.api.ByteSize}: 1024-based units);
     * the help should say the unit of a bare number, which the provider passes to {@link Options#size}.
     */
    public static OptionSpec size(String name, String label, String help) {
        return new OptionSpec(name, label, help, List.of(), null, Kind.SIZE, false, false);
    }

    /** A value of comma-separated parts such as {@code file=a.img,size=2G}, kept whole. */
    public static OptionSpec keyValues(String name, String label, String help) {
        return new OptionSpec(name, label, help, List.of(), null, Kind.KEY_VALUES, false, false);
    }

    /** An on/off switch; {@code --no-name} turns off a default of true (the CLI shows it as {@code --[no-]name}). */
    public static OptionSpec flag(String name, String help) {
        return new OptionSpec(name, "", help, List.of(), "false", Kind.SWITCH, false, false);
    }

    public OptionSpec env(String... vars) {
        return new OptionSpec(name, label, help, List.of(vars), defaultValue, kind, secret, repeatable);
    }

    public OptionSpec defaultValue(String value) {
        return new OptionSpec(name, label, help, env, value, kind, secret, repeatable);
    }

    public OptionSpec asSecret() {
        return new OptionSpec(name, label, help, env, defaultValue, kind, true, repeatable);
    }

    public OptionSpec asRepeatable() {
        return new OptionSpec(name, label, help, env, defaultValue, kind, secret, true);
    }

    public String flag() {
        return "--" + name;
    }
}
