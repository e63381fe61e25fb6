package dev.kiln.rootfs;

import com.fasterxml.jackson.databind.node.ArrayNode;

import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code rlimits} entries "name,soft,hard" (RLIMIT_ prefix optional, "unlimited" = 2^64-1), as LinuxKit parses them. */
final class Rlimits {

    private static final BigInteger UNLIMITED = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final Set<String> KNOWN = Set.of("RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK",
            "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS",
            "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME");

    private Rlimits() {
    }

    static ArrayNode build(List<String> specs, String where) {
        ArrayNode out = GoJson.MAPPER.createArrayNode();
        for (String spec : specs) {
            String[] parts = spec.split(",", 3);
            if (parts.length != 3) {
                throw OciMounts.bad(where, "rlimit '" + spec + "' is not NAME,SOFT,HARD", "write e.g. nofile,1024,4096");
            }
            String name = parts[0].trim().toUpperCase(Locale.ROOT);
            name = name.startsWith("RLIMIT_") ? name : "RLIMIT_" + name;
            if (!KNOWN.contains(name)) {
                throw OciMounts.bad(where, "'" + parts[0].trim() + "' is not a known rlimit", "use one of "
                        + String.join(", ", KNOWN.stream().sorted().toList()));
            }
            out.addObject().put("type", name).put("hard", value(parts[2], where)).put("soft", value(parts[1], where));
        }
        return out;
    }

    private static BigInteger value(String text, String where) {
        String t = text.trim();
        if (t.equalsIgnoreCase("unlimited")) {
            return UNLIMITED;
        }
        try {
            BigInteger v = new BigInteger(t);
            if (v.signum() < 0 || v.compareTo(UNLIMITED) > 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw OciMounts.bad(where, "rlimit value '" + t + "' is not an unsigned 64-bit number", "");
        }
    }
}
