package dev.kiln.spi;

import dev.kiln.api.ByteSize;
import dev.kiln.api.KilnException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A provider's option values after resolution: a flag given on the command line wins, then the
 * first env var that is set, then the declared default. A flag equal to the default still wins
 * over the env (unlike LinuxKit, which cannot re-assert a default).
 */
public final class Options {

    /** Where a value came from, for {@code -v} and for tests. */
    public enum Source { FLAG, ENV, DEFAULT, NONE }

    private record Value(List<String> values, Source source, String origin) {}

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)?");

    private final Map<String, OptionSpec> specs = new LinkedHashMap<>();
    private final Map<String, Value> values = new LinkedHashMap<>();

    private Options() {
    }

    /**
     * @param specs the declared options
     * @param flags values given on the command line, by option name (absent = not given)
     * @param env   the process environment
     */
    public static Options resolve(List<OptionSpec> specs, Map<String, List<String>> flags, Map<String, String> env) {
        Options options = new Options();
        for (OptionSpec spec : specs) {
            options.specs.put(spec.name(), spec);
            options.values.put(spec.name(), pick(spec, flags.get(spec.name()), env));
        }
        for (String given : flags.keySet()) {
            if (!options.specs.containsKey(given)) {
                throw new IllegalArgumentException("undeclared option " + given);
            }
        }
        return options;
    }

    private static Value pick(OptionSpec spec, List<String> flag, Map<String, String> env) {
        if (flag != null && !flag.isEmpty()) {
            return new Value(split(spec, flag), Source.FLAG, spec.flag());
        }
        for (String var : spec.env()) {
            String v = env.get(var);
            if (v != null && !v.isEmpty()) {
                return new Value(split(spec, List.of(v)), Source.ENV, var);
            }
        }
        if (spec.defaultValue() != null) {
            return new Value(List.of(spec.defaultValue()), Source.DEFAULT, "default");
        }
        return new Value(List.of(), Source.NONE, "");
    }

    private static List<String> split(OptionSpec spec, List<String> raw) {
        if (!spec.repeatable()) {
            return List.of(raw.get(raw.size() - 1));
        }
        if (spec.kind() == OptionSpec.Kind.KEY_VALUES) {
            return List.copyOf(raw);
        }
        List<String> out = new ArrayList<>();
        for (String r : raw) {
            Arrays.stream(r.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
        }
        return List.copyOf(out);
    }

    private Value value(String name) {
        Value v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("option --" + name + " was not declared");
        }
        return v;
    }

    public Optional<String> find(String name) {
        List<String> v = value(name).values();
        return v.isEmpty() ? Optional.empty() : Optional.of(v.get(v.size() - 1));
    }

    /** The value, or a usage error that names the flag and its env vars. */
    public String require(String name) {
        return find(name).orElseThrow(() -> KilnException.usage(missing(specs.get(name))));
    }

    public List<String> all(String name) {
        return value(name).values();
    }

    public boolean isSet(String name) {
        return value(name).source() == Source.FLAG || value(name).source() == Source.ENV;
    }

    public Source source(String name) {
        return value(name).source();
    }

    public boolean flag(String name) {
        return find(name).map(v -> parseBoolean(name, v)).orElse(false);
    }

    public Optional<Integer> integer(String name) {
        return find(name).map(v -> {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw KilnException.usage(origin(name) + " must be a whole number, not '" + v + "'");
            }
        });
    }

    /**
     * A size in bytes ({@link ByteSize}: {@code 10G}, {@code 10GiB}, {@code 10GB} and {@code 512M}, all 1024-based);
     * a bare number is in units of {@code bareUnit} bytes.
     */
    public Optional<Long> size(String name, long bareUnit) {
        return find(name).map(v -> ByteSize.parse(v, bareUnit, origin(name)).bytes());
    }

    public Optional<Path> path(String name) {
        return find(name).map(v -> Path.of(v.startsWith("~/") ? System.getProperty("user.home") + v.substring(1) : v));
    }

    public Optional<Duration> duration(String name) {
        return find(name).map(v -> parseDuration(name, v));
    }

    public List<OptionSpec> specs() {
        return List.copyOf(specs.values());
    }

    private boolean parseBoolean(String name, String v) {
        return switch (v.toLowerCase()) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw KilnException.usage(origin(name) + " must be true or false, not '" + v + "'");
        };
    }

    private Duration parseDuration(String name, String v) {
        if (v.startsWith("P") || v.startsWith("p")) {
            return Duration.parse(v.toUpperCase());
        }
        Matcher m = DURATION.matcher(v.trim());
        if (!m.matches()) {
            throw KilnException.usage(origin(name) + " must be a duration such as 90s, 30m or 2h, not '" + v + "'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
    }

    private String origin(String name) {
        Value v = value(name);
        return v.source() == Source.ENV ? "$" + v.origin() + " (for --" + name + ")" : "--" + name;
    }

    static String missing(OptionSpec spec) {
        String text = "Missing " + spec.flag();
        if (!spec.env().isEmpty()) {
            text += "; pass it or set " + String.join(" or ", spec.env());
        }
        return text + " (" + spec.help() + ")";
    }

    /** Values for logs: secrets masked. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("{");
        values.forEach((name, v) -> {
            if (v.source() == Source.NONE) {
                return;
            }
            if (b.length() > 1) {
                b.append(", ");
            }
            b.append(name).append('=').append(specs.get(name).secret() ? "****" : String.join(",", v.values()));
        });
        return b.append('}').toString();
    }
}
