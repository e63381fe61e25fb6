package dev.kiln.cli;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The proxy variables CLIs share become the JVM properties kiln's and the clouds' Java clients read. */
class ProxyEnvironmentTest {

    @Test
    void httpsAndHttpProxiesWithTheHostsToReachDirectly() {
        Map<String, String> props = ProxyEnvironment.properties(Map.of(
                "HTTPS_PROXY", "http://proxy.corp.example:3128",
                "http_proxy", "proxy.corp.example:8080",
                "NO_PROXY", "localhost, .internal.example,metadata.google.internal:80,10.0.0.0/8"));

        assertThat(props).containsExactly(
                Map.entry("https.proxyHost", "proxy.corp.example"),
                Map.entry("https.proxyPort", "3128"),
                Map.entry("http.proxyHost", "proxy.corp.example"),
                Map.entry("http.proxyPort", "8080"),
                Map.entry("http.nonProxyHosts",
                        "localhost|127.*|[::1]|*.internal.example|metadata.google.internal"
                                + "|*.metadata.google.internal"));
    }

    @Test
    void credentialsInTheUrlAreNeverCopiedAndTheDefaultPortIs80() {
        Map<String, String> props = ProxyEnvironment.properties(Map.of("https_proxy", "http://user:s3cret@proxy:"));

        assertThat(props).containsEntry("https.proxyHost", "proxy").containsEntry("https.proxyPort", "80");
        assertThat(props.values()).noneMatch(v -> v.contains("s3cret"));
    }

    @Test
    void noProxyStarOrNoVariableMeansNoProperties() {
        assertThat(ProxyEnvironment.properties(Map.of("HTTPS_PROXY", "http://proxy:3128", "NO_PROXY", "*"))).isEmpty();
        assertThat(ProxyEnvironment.properties(Map.of("PATH", "/usr/bin"))).isEmpty();
        assertThat(ProxyEnvironment.properties(Map.of("HTTPS_PROXY", "socks5://proxy:1080"))).isEmpty();
    }

    @Test
    void propertiesAlreadyGivenWin() {
        Properties system = new Properties();
        system.setProperty("https.proxyHost", "chosen.example");

        ProxyEnvironment.apply(Map.of("HTTPS_PROXY", "http://env.example:3128", "HTTP_PROXY", "http://env.example:8080"),
                system);

        assertThat(system.getProperty("https.proxyHost")).isEqualTo("chosen.example");
        assertThat(system.getProperty("https.proxyPort")).as("not mixed with the environment's").isNull();
        assertThat(system.getProperty("http.proxyHost")).isEqualTo("env.example");
        assertThat(system.getProperty("http.proxyPort")).isEqualTo("8080");
    }

    @Test
    void credentialsInTheProxyUrlAnswerOnlyThatProxysChallenge() throws Exception {
        var found = ProxyEnvironment.credentials(Map.of("HTTPS_PROXY", "http://kiln:p%40ss@proxy.corp.example:3128"));
        assertThat(found).containsExactly(new ProxyEnvironment.Credentials("proxy.corp.example", 3128, "kiln", "p@ss"));
        assertThat(found.toString()).doesNotContain("p@ss");
        var auth = new ProxyEnvironment.ProxyAuthenticator(found);

        java.net.PasswordAuthentication proxy = auth.requestPasswordAuthenticationInstance("proxy.corp.example", null,
                3128, "http", "proxy", "basic", null, java.net.Authenticator.RequestorType.PROXY);
        java.net.PasswordAuthentication server = auth.requestPasswordAuthenticationInstance("proxy.corp.example", null,
                3128, "http", "realm", "basic", null, java.net.Authenticator.RequestorType.SERVER);
        java.net.PasswordAuthentication otherProxy = auth.requestPasswordAuthenticationInstance("evil.example", null,
                3128, "http", "proxy", "basic", null, java.net.Authenticator.RequestorType.PROXY);

        assertThat(proxy.getUserName()).isEqualTo("kiln");
        assertThat(new String(proxy.getPassword())).isEqualTo("p@ss");
        assertThat(server).as("a server's 401 never gets the proxy's password").isNull();
        assertThat(otherProxy).isNull();
        assertThat(ProxyEnvironment.credentials(Map.of("HTTPS_PROXY", "http://proxy:3128"))).isEmpty();
    }
}
