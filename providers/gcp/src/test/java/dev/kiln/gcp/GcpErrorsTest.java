package dev.kiln.gcp;

import dev.kiln.api.KilnException;
import dev.kiln.api.Retry;
import com.google.cloud.storage.StorageException;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

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

    private static final Clock NOW = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void anAnswerKilnCannotReadIsATypedErrorThatIsNotRetried() {
        RuntimeException e = new GcpErrors.Unreadable("the upload session was opened without a Location header");

        Retry.Decision d = GcpErrors.classifier(NOW).apply(e);

        assertThat(d.retry()).as("the same request gets the same answer").isFalse();
        assertThat(GcpErrors.tried("upload x", e).getMessage()).contains("Google's answer could not be read")
                .contains("without a Location header").doesNotContain("502");
    }

    @Test
    void credentialsThatGiveNoTokenAreNotRetriedAndSayHowToRefreshThem() {
        RuntimeException e = new GcpErrors.NoToken("could not get an access token: invalid_grant",
                new IOException("invalid_grant"));

        assertThat(GcpErrors.classifier(NOW).apply(e).retry()).isFalse();
        assertThat(GcpErrors.tried("upload x", e).getMessage()).contains("no access token")
                .contains("gcloud auth application-default login").doesNotContain("401");
    }

    @Test
    void storageClientFailuresAreRetriedOnlyWhenThrottledOrUnavailable() {
        assertThat(GcpErrors.classifier(NOW).apply(new StorageException(429, "slow down")).retry()).isTrue();
        assertThat(GcpErrors.classifier(NOW).apply(new StorageException(503, "busy")).retry()).isTrue();
        assertThat(GcpErrors.classifier(NOW).apply(new StorageException(403, "forbidden")).retry()).isFalse();
        assertThat(GcpErrors.tried("upload x", new StorageException(403, "forbidden")).getMessage())
                .contains("403").contains("Storage Object Admin");
    }

    @Test
    void aUrlOnAnotherHostIsNeverRetriedAndSaysItWasRefused() {
        RuntimeException e = new GcsConnections.ForeignUrl("Cloud Storage named a URL on another host");

        assertThat(GcpErrors.classifier(NOW).apply(e).retry()).isFalse();
        assertThat(GcpErrors.tried("upload x", new StorageException(0, "wrapped", e)).getMessage())
                .contains("refused").contains("another host");
    }
}
