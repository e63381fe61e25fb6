package dev.kiln.oci;

import dev.kiln.api.KilnException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The TLS trust for registry connections: the JDK's CAs plus the ones in {@code --cert-file}s. */
final class TrustedCertificates {

    private TrustedCertificates() {
    }

    static SSLContext sslContext(List<Path> certFiles) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            if (certFiles.isEmpty()) {
                context.init(null, null, null);
                return context;
            }
            X509TrustManager system = trustManager(null);
            X509TrustManager extra = trustManager(keyStore(certFiles));
            context.init(null, new TrustManager[] {new Either(system, extra)}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw KilnException.tried("set up TLS for registries", KilnException.reason(e), "check the --cert-file PEM files", e);
        }
    }

    private static KeyStore keyStore(List<Path> certFiles) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        int n = 0;
        for (Path file : certFiles) {
            List<Certificate> certs = read(factory, file);
            if (certs.isEmpty()) {
                throw KilnException.tried("read CA certificates from " + file, "it holds no PEM certificate",
                        "pass a PEM file with -----BEGIN CERTIFICATE----- blocks");
            }
            for (Certificate c : certs) {
                store.setCertificateEntry("extra-" + n++, c);
            }
        }
        return store;
    }

    private static List<Certificate> read(CertificateFactory factory, Path file) throws CertificateException {
        try (InputStream in = Files.newInputStream(file)) {
            return new ArrayList<>(factory.generateCertificates(in));
        } catch (IOException e) {
            throw KilnException.tried("read CA certificates from " + file, e.toString(), "check the --cert-file path", e);
        }
    }

    private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        return Arrays.stream(tmf.getTrustManagers()).filter(X509TrustManager.class::isInstance)
                .map(X509TrustManager.class::cast).findFirst()
                .orElseThrow(() -> new GeneralSecurityException("no X509 trust manager"));
    }

    /** Trusts a server chain that either the JDK's CAs or the extra CAs accept. */
    private record Either(X509TrustManager first, X509TrustManager second) implements X509TrustManager {

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            first.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                first.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
                second.checkServerTrusted(chain, authType);
            }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            List<X509Certificate> all = new ArrayList<>(Arrays.asList(first.getAcceptedIssuers()));
            all.addAll(Arrays.asList(second.getAcceptedIssuers()));
            return all.toArray(X509Certificate[]::new);
        }
    }
}
