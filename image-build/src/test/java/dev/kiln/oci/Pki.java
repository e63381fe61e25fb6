package dev.kiln.oci;

import java.nio.file.Path;
import java.util.List;

/** A self-signed certificate for 127.0.0.1 made with openssl, for TLS registries and token signing. */
final class Pki {

    private Pki() {
    }

    /** Writes {@code cert.pem} and {@code key.pem} (PKCS#8) into {@code dir}. */
    static void selfSigned(Path dir) throws Exception {
        LocalRegistry.run(dir, List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(),
                "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"));
    }
}
