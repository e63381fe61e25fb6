package dev.kiln.gcp;

import dev.kiln.api.KilnException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One {@code --disk size=10G,type=pd-ssd}: an extra persistent disk made with the instance. */
record DiskSpec(long sizeGb, String type) {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([GT]i?B?|)", Pattern.CASE_INSENSITIVE);
    static final String DEFAULT_TYPE = "pd-balanced";

    /** One disk per {@code --disk} value, each a comma list of {@code size=} and {@code type=}. */
    static List<DiskSpec> parse(List<String> values) {
        List<DiskSpec> disks = new ArrayList<>();
        for (String value : values) {
            disks.add(parseOne(value));
        }
        return List.copyOf(disks);
    }

    private static DiskSpec parseOne(String value) {
        Map<String, String> current = new LinkedHashMap<>();
        for (String token : value.split(",")) {
            int eq = token.indexOf('=');
            String key = eq < 0 ? "size" : token.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String field = eq < 0 ? token : token.substring(eq + 1).trim();
            if (!key.equals("size") && !key.equals("type")) {
                throw KilnException.usage("--disk takes size=SIZE and type=TYPE, not '" + token + "'");
            }
            if (current.put(key, field) != null) {
                throw KilnException.usage("--disk '" + value + "' gives " + key + " twice; repeat --disk for another disk");
            }
        }
        return of(current);
    }

    private static DiskSpec of(Map<String, String> fields) {
        String size = fields.get("size");
        if (size == null) {
            throw KilnException.usage("--disk needs a size, e.g. --disk size=10G,type=pd-ssd");
        }
        return new DiskSpec(gigabytes(size), fields.getOrDefault("type", DEFAULT_TYPE));
    }

    /** GCE sizes disks in whole GB; {@code 10G}, {@code 10GB}, {@code 10GiB} and {@code 1T} are accepted. */
    static long gigabytes(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw KilnException.usage("disk size '" + text + "' is not a size in GB such as 10G or 1T");
        }
        long n = Long.parseLong(m.group(1));
        return m.group(2).toUpperCase(Locale.ROOT).startsWith("T") ? n * 1024 : n;
    }
}
