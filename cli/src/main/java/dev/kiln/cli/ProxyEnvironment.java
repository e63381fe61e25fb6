package dev.kiln.cli;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The proxy environment variables curl, gcloud and the AWS CLI read ({@code HTTPS_PROXY},
 * {@code HTTP_PROXY}, {@code NO_PROXY}, upper or lower case) as the JVM's proxy properties, which
 * kiln's upload client and Google's and AWS's Java clients follow. Properties already given (say
 * in {@code KILN_JAVA_OPTS}) win. Credentials in a proxy URL cannot travel this way and are left
 * out; a proxy that wants them answers 407, and kiln says so.
 */
final class ProxyEnvironment {

    private ProxyEnvironment() {
    }

    /** Sets what the environment implies, per scheme, where {@code system} names no proxy of its own. */
    static void apply(Map<String, String> env, Properties system) {
        boolean ownHttps = system.containsKey("https.proxyHost");
        boolean ownHttp = system.containsKey("http.proxyHost");
        boolean ownExceptions = system.containsKey("http.nonProxyHosts");
        properties(env).forEach((name, value) -> {
            boolean own = name.equals("http.nonProxyHosts") ? ownExceptions
                    : name.startsWith("https.") ? ownHttps : ownHttp;
            if (!own) {
                system.setProperty(name, value);
            }
        });
    }

    /** {@code https.proxyHost} and friends for the environment; empty when no proxy variable is set. */
    static Map<String, String> properties(Map<String, String> env) {
        Map<String, String> props = new LinkedHashMap<>();
        String noProxy = first(env, "NO_PROXY", "no_proxy");
        if ("*".equals(noProxy == null ? null : noProxy.trim())) {
            return props;
        }
        proxy(first(env, "HTTPS_PROXY", "https_proxy"), "https", props);
        proxy(first(env, "HTTP_PROXY", "http_proxy"), "http", props);
        if (!props.isEmpty() && noProxy != null && !noProxy.isBlank()) {
            props.put("http.nonProxyHosts", nonProxyHosts(noProxy));
        }
        return props;
    }

    private static String first(Map<String, String> env, String upper, String lower) {
        String value = env.get(upper);
        return value == null || value.isBlank() ? env.get(lower) : value;
    }

    /** "http://proxy.example:3128", or "proxy.example:3128" as curl also accepts; port 80 by default. */
    private static void proxy(String value, String scheme, Map<String, String> props) {
        if (value == null || value.isBlank()) {
            return;
        }
        String text = value.trim();
        URI uri;
        try {
            uri = URI.create(text.contains("://") ? text : "http://" + text);
        } catch (IllegalArgumentException e) {
            return;
        }
        if (uri.getHost() == null || !"http".equalsIgnoreCase(uri.getScheme())) {
            return;
        }
        props.put(scheme + ".proxyHost", uri.getHost());
        props.put(scheme + ".proxyPort", String.valueOf(uri.getPort() == -1 ? 80 : uri.getPort()));
    }

    /**
     * NO_PROXY's ".example.com,example.org" as "localhost|127.*|[::1]|*.example.com|example.org|*.example.org":
     * the loopback names the JDK exempts by default stay exempt, since the property replaces its default.
     */
    private static String nonProxyHosts(String noProxy) {
        List<String> hosts = new ArrayList<>(List.of("localhost", "127.*", "[::1]"));
        for (String entry : noProxy.split(",")) {
            String host = entry.trim().toLowerCase(Locale.ROOT).replaceFirst(":\\d+$", "");
            if (host.isEmpty() || host.contains("/") || hosts.contains(host)) {
                continue;
            }
            if (host.startsWith("*.")) {
                hosts.add(host);
            } else if (host.startsWith(".")) {
                hosts.add("*" + host);
            } else {
                hosts.add(host);
                hosts.add("*." + host);
            }
        }
        return String.join("|", hosts);
    }
}
