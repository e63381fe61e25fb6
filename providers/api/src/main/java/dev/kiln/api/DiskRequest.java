package dev.kiln.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One {@code --disk size=20G[,type=T][,iops=N][,device=D][,name=N]}: an extra volume for an instance, in the
 * one grammar every provider shares. A provider declares which keys it supports ({@link #parse} refuses the
 * others, naming the supported ones); a provider may declare keys of its own, e.g. qemu's {@code file} and
 * {@code format}. A part without {@code =} is the value of the provider's {@code file} key, when it has one.
 */
public final class DiskRequest {

    public static final String SIZE = "size";
    public static final String TYPE = "type";
    public static final String IOPS = "iops";
    public static final String DEVICE = "device";
    public static final String NAME = "name";
    public static final String FILE = "file";

    private final String text;
    private final Map<String, String> values;

    private DiskRequest(String text, Map<String, String> values) {
        this.text = text;
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * Parses one {@code --disk} value.
     *
     * @param supported keys the provider takes (e.g. size, type, iops, device)
     * @param needsSize true when {@code size=} must be given
     */
    public static DiskRequest parse(String text, Set<String> supported, boolean needsSize) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String key = eq < 0 ? FILE : p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? p : p.substring(eq + 1).trim();
            if (eq < 0 && !supported.contains(FILE)) {
                throw bad(text, "'" + p + "' is not key=value", supported);
            }
            if (!supported.contains(key)) {
                throw bad(text, "this provider does not take '" + key + "'", supported);
            }
            if (value.isEmpty()) {
                throw bad(text, key + "= needs a value", supported);
            }
            if (values.put(key, value) != null) {
                throw bad(text, key + "= is given twice", supported);
            }
        }
        DiskRequest disk = new DiskRequest(text, values);
        if (needsSize && !values.containsKey(SIZE)) {
            throw bad(text, "size= is required", supported);
        }
        disk.size();
        disk.iops();
        return disk;
    }

    /** The size in bytes ({@link ByteSize}); a bare number is GiB, as clouds size volumes. */
    public Optional<Long> size() {
        return Optional.ofNullable(values.get(SIZE)).map(v -> ByteSize.parse(v, ByteSize.GIB, "size= in --disk "
                + text).bytes());
    }

    /** The size in whole GiB, rounded up: what most clouds take. */
    public Optional<Integer> sizeGiB() {
        return size().map(b -> (int) Math.min(Integer.MAX_VALUE, (b + (1L << 30) - 1) >> 30));
    }

    public Optional<String> type() {
        return get(TYPE);
    }

    public Optional<Integer> iops() {
        return get(IOPS).map(v -> {
            try {
                int n = Integer.parseInt(v);
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw KilnException.usage("--disk " + text + ": iops must be a positive whole number, not '" + v + "'");
        });
    }

    public Optional<String> device() {
        return get(DEVICE);
    }

    public Optional<String> name() {
        return get(NAME);
    }

    public Optional<String> file() {
        return get(FILE);
    }

    /** Any key the provider declared. */
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public Map<String, String> values() {
        return values;
    }

    /** What the user typed. */
    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }

    private static KilnException bad(String text, String why, Set<String> supported) {
        return KilnException.usage("--disk " + text + ": " + why + "; this provider takes "
                + String.join(", ", new java.util.TreeSet<>(supported)) + " (e.g. --disk size=10G"
                + (supported.contains(TYPE) ? ",type=..." : "") + ")");
    }
}
