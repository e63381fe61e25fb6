package dev.kiln.cli;

import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The proxy environment variables curl, gcloud and the AWS CLI read ({@code HTTPS_PROXY},
 * {@code HTTP_PROXY}, {@code NO_PROXY}, upper or lower case) as the JVM's proxy properties, which
 * Google's and AWS's Java clients follow. Properties already given (say in {@code KILN_JAVA_OPTS})
 * win. Credentials in a proxy URL ({@code http://user:password@proxy:3128}) never go into a property:
 * they become the JVM's {@link Authenticator}, which answers only that proxy's 407 (a proxy
 * request to that host and port), never a server's 401; Basic is then allowed for CONNECT tunnels
 * too ({@code jdk.http.auth.tunneling.disabledSchemes}, which the JDK sets to Basic by default).
 */
final class ProxyEnvironment {

    private ProxyEnvironment() {
    }

    /** A proxy's user and password from its URL. */
    record Credentials(String host, int port, String user, String password) {
        @Override
        public String toString() {
            return "Credentials[" + user + "@" + host + ":" + port + "]";
        }
    }

    /** The JVM's authenticator for proxies whose URL named credentials; it answers nothing else. */
    static final class ProxyAuthenticator extends Authenticator {
        private final List<Credentials> proxies;

        ProxyAuthenticator(List<Credentials> proxies) {
            this.proxies = List.copyOf(proxies);
        }

        @Override
        protected PasswordAuthentication getPasswordAuthentication() {
            if (getRequestorType() != RequestorType.PROXY) {
                return null;
            }
            for (Credentials c : proxies) {
                if (c.host().equalsIgnoreCase(getRequestingHost()) && c.port() == getRequestingPort()) {
                    return new PasswordAuthentication(c.user(), c.password().toCharArray());
                }
            }
            return null;
        }
    }

    /** Sets what the environment implies, per scheme, where {@code system} names no proxy of its own. */
    static void apply(Map<String, String> env, Properties system) {
        List<Credentials> credentials = credentials(env);
        if (!credentials.isEmpty()) {
            Authenticator.setDefault(new ProxyAuthenticator(credentials));
            if (!system.containsKey("jdk.http.auth.tunneling.disabledSchemes")) {
                system.setProperty("jdk.http.auth.tunneling.disabledSchemes", "");
            }
        }
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

    /** user:password of HTTPS_PROXY and HTTP_PROXY (percent-decoded), for the proxies they name. */
    static List<Credentials> credentials(Map<String, String> env) {
        List<Credentials> found = new ArrayList<>();
        String noProxy = first(env, "NO_PROXY", "no_proxy");
        if ("*".equals(noProxy == null ? null : noProxy.trim())) {
            return found;
        }
        for (String value : new String[] {first(env, "HTTPS_PROXY", "https_proxy"), first(env, "HTTP_PROXY", "http_proxy")}) {
            if (value == null || value.isBlank()) {
                continue;
            }
            String text = value.trim();
            URI uri;
            try {
                uri = URI.create(text.contains("://") ? text : "http://" + text);
            } catch (IllegalArgumentException e) {
                continue;
            }
            String info = uri.getRawUserInfo();
            if (uri.getHost() == null || info == null || !info.contains(":")) {
                continue;
            }
            int colon = info.indexOf(':');
            Credentials c = new Credentials(uri.getHost(), uri.getPort() == -1 ? 80 : uri.getPort(),
                    URLDecoder.decode(info.substring(0, colon), StandardCharsets.UTF_8),
                    URLDecoder.decode(info.substring(colon + 1), StandardCharsets.UTF_8));
            if (!found.contains(c)) {
                found.add(c);
            }
        }
        return found;
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
