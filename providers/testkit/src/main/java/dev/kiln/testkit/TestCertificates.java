package dev.kiln.testkit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test CAs and server keys made in one folder with the JDK's keytool (EC P-256, PKCS12 stores with password
 * {@link #PASSWORD}, valid two days): what a test server presents over TLS and the PEM file a user would pass to
 * {@code --ca-cert}. Each key is {@code DIR/NAME.p12} with its certificate in {@code DIR/NAME.pem}.
 */
public final class TestCertificates {

    /** The password of every store made here (key and store). */
    public static final String PASSWORD = "changeit";

    private final Path dir;

    public TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** A server key: its PKCS12 store and its certificate's PEM. */
    public record ServerKey(Path keystore, Path pem) {

        /** A server-side TLS context presenting this key. */
        public SSLContext context() throws Exception {
            return serverContext(keystore);
        }

        /** A trust store holding only this key's certificate, for a client that should trust this server alone. */
        public KeyStore trustStore() throws Exception {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            try (InputStream in = Files.newInputStream(pem)) {
                trust.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            return trust;
        }
    }

    /** A test CA (basic constraints CA:true); returns its PEM, the file a user would pass to {@code --ca-cert}. */
    public Path ca(String name) throws Exception {
        Path store = dir.resolve(name + ".p12");
        keytool("-genkeypair", "-keystore", store.toString(), "-alias", name, "-dname", "CN=" + name, "-ext", "bc:c");
        return export(store, name);
    }

    /**
     * A server key whose certificate the CA {@code ca} (made by {@link #ca}) signed, for the subject alternative
     * names {@code san} ({@code ip:127.0.0.1}, {@code dns:elsewhere.invalid}, or several joined by commas).
     */
    public ServerKey signedBy(String ca, String name, String san) throws Exception {
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
        return new ServerKey(store, export(store, name));
    }

    /** A self-signed server key for the subject alternative names {@code san}, as {@link #signedBy} takes them. */
    public ServerKey selfSigned(String name, String san) throws Exception {
        Path store = dir.resolve(name + ".p12");
        keytool("-genkeypair", "-keystore", store.toString(), "-alias", name, "-dname", "CN=" + name,
                "-ext", "san=" + san);
        return new ServerKey(store, export(store, name));
    }

    /** A server-side TLS context presenting the key in a PKCS12 store made here. */
    public static SSLContext serverContext(Path keystore) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(managers.getKeyManagers(), null, null);
        return context;
    }

    private Path export(Path store, String alias) throws Exception {
        Path pem = dir.resolve(alias + ".pem");
        keytool("-exportcert", "-rfc", "-keystore", store.toString(), "-alias", alias, "-file", pem.toString());
        return pem;
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        if (args[0].equals("-genkeypair")) {
            command.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1", "-keypass", PASSWORD));
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
