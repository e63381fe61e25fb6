package dev.kiln.oci;

import dev.kiln.api.KilnException;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The registries an operator named with {@code --insecure-registry HOST[:PORT]} (or
 * {@code KILN_INSECURE_REGISTRIES}), as Docker's {@code insecure-registries}: kiln tries HTTPS
 * without verifying the certificate, then plain HTTP. A bare host matches every port of it;
 * no other host is affected.
 */
public record InsecureRegistries(List<String> entries) {

    public static final InsecureRegistries NONE = new InsecureRegistries(List.of());

    public InsecureRegistries {
        entries = List.copyOf(entries);
    }

    /** From flags, or when there are none from the comma-separated environment value (may be null). */
    static InsecureRegistries of(List<String> flags, String fromEnv) {
        List<String> specs = new ArrayList<>(flags);
        if (specs.isEmpty() && fromEnv != null && !fromEnv.isBlank()) {
            specs.addAll(List.of(fromEnv.trim().split("\\s*,\\s*")));
        }
        List<String> out = new ArrayList<>();
        for (String spec : specs) {
            out.add(check(spec.trim().toLowerCase(Locale.ROOT)));
        }
        return new InsecureRegistries(out);
    }

    private static String check(String spec) {
        URI uri;
        try {
            uri = URI.create("scheme://" + spec);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (spec.isEmpty() || uri == null || uri.getHost() == null || !spec.equals(uri.getRawAuthority())) {
            throw KilnException.usage("--insecure-registry '" + spec + "' is not HOST or HOST:PORT, e.g. "
                    + "registry.lan:5000 (no scheme, no path)");
        }
        return spec;
    }

    /** Whether {@code uri}'s host (and port, when the entry names one) was named. */
    boolean covers(URI uri) {
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        String authority = uri.getRawAuthority().toLowerCase(Locale.ROOT);
        return entries.stream().anyMatch(e -> e.equals(authority) || e.equals(host));
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }
}
