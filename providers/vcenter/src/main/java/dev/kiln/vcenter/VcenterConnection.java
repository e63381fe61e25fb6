package dev.kiln.vcenter;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.api.Tls;
import dev.kiln.spi.Options;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * Where vCenter is and how to trust it: the URL (with govc's and LinuxKit's environment variables), the user,
 * and TLS verified by default against the system store, a {@code --ca-cert}, or a {@code --thumbprint}.
 * {@code --insecure} turns verification off, loudly. An {@code http://} URL is used as given, with a warning;
 * an {@code https://} one never falls back to http or to no verification.
 */
record VcenterConnection(URI base, String username, String password, HttpClient http, String trust) {

    static VcenterConnection from(Options options, Events events) {
        String text = options.find(VcenterFlags.URL).orElseThrow(() -> KilnException.usage(
                "Missing --url; pass it or set GOVC_URL or VCURL (the vCenter address, e.g. https://vc.example.com)"));
        URI given = parse(text);
        String user = options.find(VcenterFlags.USERNAME).orElse(null);
        String password = options.find(VcenterFlags.PASSWORD).orElse(null);
        if (given.getRawUserInfo() != null) {
            String[] parts = given.getRawUserInfo().split(":", 2);
            user = user != null ? user : URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
            if (password == null && parts.length == 2) {
                password = URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
            }
        }
        if (user == null || user.isBlank()) {
            throw KilnException.usage("Missing --username; pass it or set GOVC_USERNAME (the vCenter user)");
        }
        if (password == null) {
            throw KilnException.usage("Missing --password; set GOVC_PASSWORD (the vCenter user's password)");
        }
        URI base = URI.create(given.getScheme() + "://" + given.getRawAuthority().replaceFirst("^[^@]*@", ""));
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1);
        String trust;
        boolean insecure = options.flag(VcenterFlags.INSECURE);
        Optional<Path> ca = options.path(VcenterFlags.CA_CERT);
        Optional<String> thumbprint = options.find(VcenterFlags.THUMBPRINT);
        if (base.getScheme().equals("http")) {
            events.warn("vCenter URL " + base + " is plain http: the password and the image travel unencrypted"
                    + " (use this only for a local test server such as vcsim)");
            trust = "none (plain http)";
        } else if (insecure) {
            events.warn("--insecure: vCenter's TLS certificate is NOT verified; anyone on the path can read the"
                    + " password and change what is uploaded. Pass --ca-cert or --thumbprint instead.");
            http.sslContext(context(new Pinned(null)));
            trust = "none (--insecure)";
        } else if (thumbprint.isPresent()) {
            http.sslContext(context(new Pinned(normalize(thumbprint.get()))));
            trust = "thumbprint " + thumbprint.get();
        } else if (ca.isPresent()) {
            http.sslContext(caContext(ca.get()));
            trust = "--ca-cert " + ca.get();
        } else {
            trust = "system trust store";
        }
        return new VcenterConnection(base, user, password, http.build(), trust);
    }

    private static URI parse(String text) {
        String t = text.contains("://") ? text : "https://" + text;
        try {
            URI uri = URI.create(t);
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("https") && !scheme.equals("http") || uri.getRawAuthority() == null) {
                throw new IllegalArgumentException("not an http(s) address");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw KilnException.usage("--url must be a vCenter address such as https://vc.example.com, not '"
                    + text.replaceFirst("//[^@/]*@", "//****@") + "'");
        }
    }

    static String normalize(String thumbprint) {
        String hex = thumbprint.replace(":", "").trim().toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{40}|[0-9a-f]{64}")) {
            throw KilnException.usage("--thumbprint must be a SHA-1 or SHA-256 fingerprint in hex (40 or 64 digits,"
                    + " colons optional), not '" + thumbprint + "'");
        }
        return hex;
    }

    private static SSLContext context(TrustManager trust) {
        try {
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, new TrustManager[]{trust}, null);
            return ssl;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Only the CA certificates in {@code file}, as govc's --tls-ca-certs. */
    private static SSLContext caContext(Path file) {
        try {
            return Tls.trustingOnly(file);
        } catch (IOException | GeneralSecurityException e) {
            throw KilnException.usage("Cannot read --ca-cert " + file + ": " + KilnException.reason(e));
        }
    }

    /**
     * Trusts the one server certificate of a fingerprint (the host name is not checked: the pin is stronger),
     * or, with a null pin, anything (--insecure).
     */
    private static final class Pinned extends X509ExtendedTrustManager {
        private final String pin;

        Pinned(String pin) {
            this.pin = pin;
        }

        private void check(X509Certificate[] chain) throws CertificateException {
            if (pin == null) {
                return;
            }
            try {
                byte[] der = chain[0].getEncoded();
                String algorithm = pin.length() == 40 ? "SHA-1" : "SHA-256";
                String seen = HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(der));
                if (!seen.equals(pin)) {
                    throw new CertificateException("the server certificate's " + algorithm + " fingerprint is "
                            + seen + ", not the --thumbprint " + pin);
                }
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new CertificateException(e);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("no client certificates");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("no client certificates");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("no client certificates");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
