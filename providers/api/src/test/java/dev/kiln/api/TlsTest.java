package dev.kiln.api;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real handshakes against servers whose certificates CAs made here with the JDK's keytool signed. */
class TlsTest {

    private static final String PASS = "changeit";

    @TempDir
    static Path dir;

    private static Path caPem;
    private static Path otherCaPem;
    private static SSLContext server;
    private static SSLContext elsewhere;

    @BeforeAll
    static void keys() throws Exception {
        caPem = ca("kiln-test-ca");
        otherCaPem = ca("other-ca");
        server = signedBy("kiln-test-ca", "server", "ip:127.0.0.1");
        elsewhere = signedBy("kiln-test-ca", "elsewhere", "dns:elsewhere.invalid");
    }

    @Test
    void trustsAServerTheCaInThePemSigned() throws Exception {
        assertThat(handshake(server, Tls.trusting(caPem))).isEqualTo("ok");
        assertThat(handshake(server, Tls.trustingOnly(caPem))).isEqualTo("ok");
    }

    @Test
    void refusesAServerAnotherCaSigned() {
        assertThatThrownBy(() -> handshake(server, Tls.trusting(otherCaPem))).isInstanceOf(SSLHandshakeException.class);
        assertThatThrownBy(() -> handshake(server, Tls.trustingOnly(otherCaPem)))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void stillChecksTheHostName() {
        assertThatThrownBy(() -> handshake(elsewhere, Tls.trusting(caPem))).isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("127.0.0.1");
    }

    @Test
    void trustingKeepsTheJdkCasAndTrustingOnlyDropsThem() throws Exception {
        X509TrustManager jdk = jdkTrustManager();
        List<java.security.cert.X509Certificate> ours = Tls.certificates(caPem);

        assertThat(Tls.systemAnd(ours).getAcceptedIssuers()).hasSize(jdk.getAcceptedIssuers().length + 1)
                .contains(jdk.getAcceptedIssuers()).contains(ours.get(0));
        assertThat(Tls.only(ours).getAcceptedIssuers()).containsExactly(ours.get(0));
    }

    @Test
    void readsEveryCertificateOfAPemFile() throws Exception {
        Path both = dir.resolve("both.pem");
        Files.writeString(both, Files.readString(caPem) + Files.readString(otherCaPem));

        assertThat(Tls.certificates(both)).extracting(c -> c.getSubjectX500Principal().getName())
                .containsExactly("CN=kiln-test-ca", "CN=other-ca");
    }

    @Test
    void aFileWithoutACertificateIsRefused() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");

        assertThatThrownBy(() -> Tls.certificates(empty)).isInstanceOf(CertificateException.class);
        assertThatThrownBy(() -> Tls.trusting(Files.writeString(dir.resolve("blank.pem"), "")))
                .isInstanceOf(CertificateException.class).hasMessage("it holds no PEM certificate");
    }

    /** Connects to 127.0.0.1 checking the host name as HTTPS does; the server answers "ok". */
    private static String handshake(SSLContext serverContext, SSLContext client) throws Exception {
        try (SSLServerSocket listen = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (SSLSocket s = (SSLSocket) listen.accept()) {
                    s.getOutputStream().write("ok".getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                } catch (Exception e) {
                    // the client refused the handshake
                }
            });
            try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", listen.getLocalPort())) {
                SSLParameters p = s.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                s.setSSLParameters(p);
                s.startHandshake();
                return new String(s.getInputStream().readNBytes(2), StandardCharsets.US_ASCII);
            } finally {
                served.get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static X509TrustManager jdkTrustManager() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        return (X509TrustManager) tmf.getTrustManagers()[0];
    }

    private static Path ca(String name) throws Exception {
        Path store = dir.resolve(name + ".p12");
        keytool("-genkeypair", "-keystore", store.toString(), "-alias", name, "-dname", "CN=" + name, "-ext", "bc:c");
        Path pem = dir.resolve(name + ".pem");
        keytool("-exportcert", "-rfc", "-keystore", store.toString(), "-alias", name, "-file", pem.toString());
        return pem;
    }

    private static SSLContext signedBy(String ca, String name, String san) throws Exception {
        Path store = dir.resolve(name + ".p12");
        Path csr = dir.resolve(name + ".csr");
        Path cert = dir.resolve(name + ".crt");
        keytool("-genkeypair", "-keystore", store.toString(), "-alias", name, "-dname", "CN=" + name);
        keytool("-certreq", "-keystore", store.toString(), "-alias", name, "-file", csr.toString());
        keytool("-gencert", "-keystore", dir.resolve(ca + ".p12").toString(), "-alias", ca, "-infile", csr.toString(),
                "-outfile", cert.toString(), "-rfc", "-ext", "san=" + san);
        keytool("-importcert", "-noprompt", "-keystore", store.toString(), "-alias", ca, "-file",
                dir.resolve(ca + ".pem").toString());
        keytool("-importcert", "-keystore", store.toString(), "-alias", name, "-file", cert.toString());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASS.toCharArray());
        }
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, PASS.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(managers.getKeyManagers(), null, null);
        return context;
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASS));
        if (args[0].equals("-genkeypair")) {
            command.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1", "-keypass", PASS));
        }
        if (args[0].equals("-genkeypair") || args[0].equals("-gencert")) {
            command.addAll(List.of("-validity", "2"));
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + out);
        }
    }
}
