package dev.kiln.gcp;

import dev.kiln.api.KilnException;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;

import static org.assertj.core.api.Assertions.assertThat;

/** How failures without an HTTP status read to an operator, and which are worth another try. */
class GcpErrorsTest {

    private static UncheckedIOException noAnswer(IOException cause) {
        return new UncheckedIOException(cause.getMessage(), new IOException("PUT storage.googleapis.com/upload: "
                + cause.getMessage(), cause));
    }

    @Test
    void anUntrustedCertificateSaysSoAndHowToTrustAnInspectingProxy() {
        RuntimeException e = noAnswer(new SSLHandshakeException("PKIX path building failed: unable to find valid"
                + " certification path to requested target"));

        KilnException k = GcpErrors.tried("upload hello.img.tar.gz to gs://b/o", e);

        assertThat(k.getMessage()).contains("Tried to upload hello.img.tar.gz to gs://b/o")
                .contains("the server's TLS certificate is not trusted").contains("PKIX path building failed")
                .contains("KILN_JAVA_OPTS='-Djavax.net.ssl.trustStore=FILE");
        assertThat(GcpErrors.retryable(e)).as("a certificate does not become trusted by waiting").isFalse();
    }

    @Test
    void aRefusedConnectionIsUnreachableAndWorthAnotherTry() {
        RuntimeException e = noAnswer(new ConnectException("Connection refused"));

        assertThat(GcpErrors.tried("upload x", e).getMessage()).contains("GCP could not be reached")
                .contains("Connection refused").doesNotContain("certificate");
        assertThat(GcpErrors.retryable(e)).isTrue();
    }
}
