package dev.kiln.oci;

import dev.kiln.api.KilnException;
import dev.kiln.api.Tls;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** The TLS trust for registry connections: the JDK's CAs plus the ones in {@code --cert-file}s. */
final class TrustedCertificates {

    private TrustedCertificates() {
    }

    static SSLContext sslContext(List<Path> certFiles) {
        List<X509Certificate> extra = new ArrayList<>();
        for (Path file : certFiles) {
            extra.addAll(read(file));
        }
        try {
            if (extra.isEmpty()) {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, null, null);
                return context;
            }
            return Tls.trusting(extra);
        } catch (GeneralSecurityException e) {
            throw KilnException.tried("set up TLS for registries", KilnException.reason(e), "check the --cert-file PEM files", e);
        }
    }

    private static List<X509Certificate> read(Path file) {
        try {
            return Tls.certificates(file);
        } catch (IOException e) {
            throw KilnException.tried("read CA certificates from " + file, e.toString(), "check the --cert-file path", e);
        } catch (CertificateException e) {
            throw KilnException.tried("read CA certificates from " + file, KilnException.reason(e),
                    "pass a PEM file with -----BEGIN CERTIFICATE----- blocks", e);
        }
    }
}
