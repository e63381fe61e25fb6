package dev.kiln.oci;

import dev.kiln.api.KilnException;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How kiln reaches registries.
 *
 * @param mirrors   registry host -&gt; mirror base URLs tried before it ({@code --mirror}, LinuxKit's syntax)
 * @param certFiles PEM files with extra CA certificates ({@code --cert-file})
 * @param env       the environment: {@code DOCKER_CONFIG}, {@code HOME} and {@code PATH} for credentials
 * @param attempts  tries per request before giving up on connection errors, 5xx and 429
 * @param backoff   the first wait between tries; it doubles each time
 * @param insecure  registries ({@code HOST} or {@code HOST:PORT}, {@code --insecure-registry}) that may be
 *                  reached over plain HTTP or with a certificate that is not verified
 * @param timeouts  how long a request may stay silent, and how long it may take in all
 * @param parallel  blobs fetched at once per store; each streams to disk, so memory does not grow with it
 */
public record RegistryOptions(Map<String, List<URI>> mirrors, List<Path> certFiles, Map<String, String> env,
                              int attempts, Duration backoff, InsecureRegistries insecure, Timeouts timeouts,
                              int parallel) {

    /** Fetching this many blobs at once fills a LAN link; more only adds connections. */
    public static final int PARALLEL = 4;

    /**
     * @param idle     the longest wait for the next bytes of an answer (connect, headers or body)
     * @param deadline the longest a request may take in all, for an answer without a body to stream
     * @param minRate  bytes per second a blob body must at least average: its deadline is
     *                 {@code deadline + size / minRate}, so a drip-fed answer ends too
     */
    public record Timeouts(Duration idle, Duration deadline, long minRate) {
        public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(60), Duration.ofMinutes(5), 64 << 10);

        public Timeouts {
            if (idle.isNegative() || idle.isZero() || deadline.isNegative() || deadline.isZero() || minRate < 1) {
                throw new IllegalArgumentException("timeouts must be positive");
            }
        }

        /** The deadline of a request whose body is {@code bytes} long. */
        Duration deadlineFor(long bytes) {
            return deadline.plusSeconds(Math.max(0, bytes) / minRate);
        }
    }

    public RegistryOptions {
        mirrors = Map.copyOf(mirrors);
        certFiles = List.copyOf(certFiles);
        env = Map.copyOf(env);
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(insecure, "insecure");
        Objects.requireNonNull(timeouts, "timeouts");
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
        if (parallel < 1) {
            throw new IllegalArgumentException("parallel must be at least 1");
        }
    }

    /** Defaults: no mirrors, no extra CAs, 5 attempts starting at 500 ms. */
    public static RegistryOptions defaults(Map<String, String> env) {
        return of(List.of(), List.of(), env);
    }

    /**
     * From command-line values. A mirror is {@code registry=url}, or a bare url for Docker Hub, as
     * LinuxKit's {@code --mirror}; with no flags, {@code KILN_MIRROR} (comma separated) is read.
     */
    public static RegistryOptions of(List<String> mirrorFlags, List<Path> certFiles, Map<String, String> env) {
        return of(mirrorFlags, certFiles, List.of(), env);
    }

    /**
     * As {@link #of(List, List, Map)}, with {@code --insecure-registry} values; with none,
     * {@code KILN_INSECURE_REGISTRIES} (comma separated) is read.
     */
    public static RegistryOptions of(List<String> mirrorFlags, List<Path> certFiles, List<String> insecureFlags,
                                     Map<String, String> env) {
        List<String> specs = new ArrayList<>(mirrorFlags);
        String fromEnv = env.get("KILN_MIRROR");
        if (specs.isEmpty() && fromEnv != null && !fromEnv.isBlank()) {
            specs.addAll(List.of(fromEnv.trim().split("\\s*,\\s*")));
        }
        Map<String, List<URI>> mirrors = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            String registry = eq < 0 ? ImageReference.DOCKER_HUB : spec.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String url = (eq < 0 ? spec : spec.substring(eq + 1)).trim();
            mirrors.computeIfAbsent(registry, k -> new ArrayList<>()).add(mirrorUri(spec, url));
        }
        mirrors.replaceAll((k, v) -> List.copyOf(v));
        return new RegistryOptions(mirrors, certFiles, env, 5, Duration.ofMillis(500),
                InsecureRegistries.of(insecureFlags, env.get("KILN_INSECURE_REGISTRIES")), Timeouts.DEFAULT, PARALLEL);
    }

    private static URI mirrorUri(String spec, String url) {
        String withScheme = url.contains("://") ? url : "https://" + url;
        try {
            URI uri = URI.create(withScheme.endsWith("/") ? withScheme.substring(0, withScheme.length() - 1) : withScheme);
            if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new IllegalArgumentException("no host");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw KilnException.usage("--mirror '" + spec + "' is not [REGISTRY=]URL, e.g. docker.io=https://mirror.example.com");
        }
    }

    public RegistryOptions withRetries(int tries, Duration firstWait) {
        return new RegistryOptions(mirrors, certFiles, env, tries, firstWait, insecure, timeouts, parallel);
    }

    public RegistryOptions withTimeouts(Timeouts values) {
        return new RegistryOptions(mirrors, certFiles, env, attempts, backoff, insecure, values, parallel);
    }

    public RegistryOptions withParallel(int blobs) {
        return new RegistryOptions(mirrors, certFiles, env, attempts, backoff, insecure, timeouts, blobs);
    }

    /** Mirrors for {@code registry}, in the order given. */
    List<URI> mirrorsFor(String registry) {
        return mirrors.getOrDefault(registry, List.of());
    }
}
