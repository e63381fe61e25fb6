package dev.kiln.aws;

import dev.kiln.api.KilnException;

import java.util.Locale;
import java.util.Optional;

/**
 * One {@code --disk size=10G,type=gp3,iops=3000,device=/dev/sdf}: a volume created with the
 * instance and deleted with it. Sizes are GiB (a G, GiB or T suffix is accepted).
 */
record DiskSpec(int sizeGiB, String type, Optional<Integer> iops, String device) {

    static DiskSpec parse(String text, int position) {
        Integer size = null;
        String type = "gp3";
        Integer iops = null;
        String device = "/dev/sd" + (char) ('f' + position);
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw bad(text, "'" + part + "' is not key=value");
            }
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            switch (key) {
                case "size" -> size = gib(text, value);
                case "type" -> type = value;
                case "iops" -> iops = number(text, value);
                case "device" -> device = value;
                default -> throw bad(text, "unknown key '" + key + "' (size, type, iops, device)");
            }
        }
        if (size == null) {
            throw bad(text, "size= is required");
        }
        return new DiskSpec(size, type, Optional.ofNullable(iops), device);
    }

    private static int gib(String text, String value) {
        String v = value.toUpperCase(Locale.ROOT);
        int factor = 1;
        if (v.endsWith("T") || v.endsWith("TIB")) {
            factor = 1024;
        }
        String digits = v.replaceAll("(GIB|TIB|G|T)$", "");
        return number(text, digits) * factor;
    }

    private static int number(String text, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n <= 0) {
                throw bad(text, value + " must be positive");
            }
            return n;
        } catch (NumberFormatException e) {
            throw bad(text, "'" + value + "' is not a whole number");
        }
    }

    private static KilnException bad(String text, String why) {
        return KilnException.usage("--disk " + text + ": " + why + "; e.g. --disk size=10G,type=gp3");
    }
}
