package dev.kiln.api;

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
import java.util.Collection;
import java.util.List;

/**
 * TLS trust from PEM files: the JDK's trusted CAs plus a user's own ({@link #trusting}), or a user's CAs alone
 * ({@link #trustingOnly}). Host names are still checked: the trust managers are plain {@link X509TrustManager}s,
 * which the JDK wraps in its own endpoint identification.
 */
public final class Tls {

    private Tls() {
    }

    /**
     * The certificates of a PEM file ({@code -----BEGIN CERTIFICATE-----} blocks).
     *
     * @throws CertificateException if it holds none, or one that does not parse
     */
    public static List<X509Certificate> certificates(Path pem) throws IOException, CertificateException {
        try (InputStream in = Files.newInputStream(pem)) {
            List<X509Certificate> certs = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certs.add((X509Certificate) c);
            }
            if (certs.isEmpty()) {
                throw new CertificateException("it holds no PEM certificate");
            }
            return List.copyOf(certs);
        }
    }

    /** The JDK's trusted CAs plus the certificates in {@code pem}. */
    public static SSLContext trusting(Path pem) throws IOException, GeneralSecurityException {
        return trusting(certificates(pem));
    }

    /** The JDK's trusted CAs plus {@code extra}: a server chain either accepts is trusted. */
    public static SSLContext trusting(Collection<? extends Certificate> extra) throws GeneralSecurityException {
        return context(systemAnd(extra));
    }

    /** Only the certificates in {@code pem}, not the JDK's CAs (as OpenSSL's and govc's CA file options do). */
    public static SSLContext trustingOnly(Path pem) throws IOException, GeneralSecurityException {
        return context(only(certificates(pem)));
    }

    /** A TLS context whose only trust manager is {@code trust}. */
    public static SSLContext context(TrustManager trust) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {trust}, null);
        return context;
    }

    static X509TrustManager systemAnd(Collection<? extends Certificate> extra) throws GeneralSecurityException {
        return new Either(trustManager(null), only(extra));
    }

    static X509TrustManager only(Collection<? extends Certificate> cas) throws GeneralSecurityException {
        return trustManager(keyStore(cas));
    }

    private static KeyStore keyStore(Collection<? extends Certificate> certs) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        int n = 0;
        for (Certificate c : certs) {
            store.setCertificateEntry("ca-" + n++, c);
        }
        return store;
    }

    /** The JDK's default trust manager over {@code store}, or over its own CAs if null. */
    private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        return Arrays.stream(tmf.getTrustManagers()).filter(X509TrustManager.class::isInstance)
                .map(X509TrustManager.class::cast).findFirst()
                .orElseThrow(() -> new GeneralSecurityException("no X509 trust manager"));
    }

    /** Trusts a server chain that either the JDK's CAs or the extra CAs accept. */
    private record Either(X509TrustManager system, X509TrustManager extra) implements X509TrustManager {

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            system.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                system.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
                extra.checkServerTrusted(chain, authType);
            }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            List<X509Certificate> all = new ArrayList<>(Arrays.asList(system.getAcceptedIssuers()));
            all.addAll(Arrays.asList(extra.getAcceptedIssuers()));
            return all.toArray(X509Certificate[]::new);
        }
    }
}
