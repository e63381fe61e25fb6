package dev.kiln.gcp;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import dev.kiln.api.CancelToken;
import dev.kiln.api.KilnException;
import dev.kiln.api.Retry;
import dev.kiln.testing.HostTools;
import dev.kiln.testkit.FakeTime;
import dev.kiln.testkit.RecordingEvents;
import dev.kiln.testkit.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The upload through a real proxy on loopback (Debian's tinyproxy with basic auth), chosen the standard JVM
 * way ({@code http.proxyHost}/{@code http.proxyPort}, which the CLI sets from HTTP(S)_PROXY) with the proxy's
 * credentials from the JVM's {@link Authenticator} (which the CLI installs from the user:password in the proxy
 * URL). The proxy answers 407 until the credentials are given. The stand-in speaks https, as Cloud Storage
 * does, so the upload goes through a CONNECT tunnel and the proxy never sees the token or the bytes.
 * (Through a plain-http forward proxy that wants credentials, the JDK's connection does not send them
 * ahead of a streamed PUT body, so such a proxy refuses the chunks: not a way to Google, which is https.)
 */
class GcsProxyTest {

    private static final String BUCKET = "kiln-images";
    private static final List<String> PROPERTIES = List.of("https.proxyHost", "https.proxyPort", "http.nonProxyHosts");

    @TempDir
    Path tmp;

    private FakeGcsServer gcs;
    private TestCertificates.ServerKey key;
    private final RecordingEvents events = new RecordingEvents();
    private final FakeTime time = new FakeTime();
    private Process proxy;
    private int proxyPort;


    @BeforeEach
    void startProxy() throws Exception {
        HostTools.require("tinyproxy");
        key = new TestCertificates(tmp).selfSigned("localhost", "dns:localhost,ip:127.0.0.1");
        gcs = new FakeGcsServer(true, true, key.context());
        gcs.buckets.add(BUCKET);
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            proxyPort = free.getLocalPort();
        }
        Path conf = Files.writeString(tmp.resolve("tinyproxy.conf"), String.join("\n",
                "Port " + proxyPort, "Listen 127.0.0.1", "Timeout 60", "MaxClients 16",
                "BasicAuth kiln proxy-s3cret", "LogLevel Info", "LogFile \"" + tmp.resolve("tinyproxy.log") + "\"",
                "PidFile \"" + tmp.resolve("tinyproxy.pid") + "\"", "DisableViaHeader Yes", ""));
        proxy = HostTools.command("tinyproxy", "-d", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("tinyproxy.out").toFile()).start();
        awaitListening();
        System.setProperty("https.proxyHost", "127.0.0.1");
        System.setProperty("https.proxyPort", String.valueOf(proxyPort));
        // the JDK reaches loopback directly unless told otherwise (an empty list); the stand-in is on loopback
        System.setProperty("http.nonProxyHosts", "");
    }

    /** tinyproxy has no readiness signal but its port: connect until it accepts (bounded). */
    private void awaitListening() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", proxyPort), 200);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline || !proxy.isAlive()) {
                    throw new IllegalStateException("tinyproxy did not start: "
                            + Files.readString(tmp.resolve("tinyproxy.out")), e);
                }
                proxy.waitFor(50, TimeUnit.MILLISECONDS);
            }
        }
    }

    @AfterEach
    void stop() throws Exception {
        Authenticator.setDefault(null);
        PROPERTIES.forEach(System::clearProperty);
        if (proxy != null) {
            proxy.destroy();
            proxy.waitFor(10, TimeUnit.SECONDS);
        }
        if (gcs != null) {
            gcs.close();
        }
    }

    private UploadedObject upload(Path file) throws Exception {
        GoogleCredentials token = GoogleCredentials.create(
                new AccessToken("ya29.proxy-test", new Date(System.currentTimeMillis() + 3_600_000)));
        try (GcpClients clients = new GcpClients(new GcpAccount(token, "kiln-test", "test"),
                Optional.of(gcs.endpoint()), Optional.empty(), 1 << 20).trusting(key.trustStore())) {
            var e = events.as("gcp");
            GcpCalls calls = new GcpCalls(Retry.builder().clock(time).sleeper(time).random(GcpFake.LONGEST_PAUSES),
                    time, time, CancelToken.create(), e);
            return new UploadObject(clients, calls, e).upload(file, BUCKET, "hello.tar.gz", "sha256:0123");
        }
    }

    @Test
    void theProxyAnswers407UntilTheCredentialsAreGivenThenTheUploadGoesThroughIt() throws Exception {
        Path file = GcpPushTest.tarGz(tmp.resolve("hello.img.tar.gz"), (2 << 20) + 777);

        assertThatThrownBy(() -> upload(file)).isInstanceOf(KilnException.class)
                .hasMessageContaining("407").hasMessageContaining("HTTPS_PROXY");
        assertThat(gcs.requests).as("nothing reached Cloud Storage past the proxy").isEmpty();

        Authenticator.setDefault(new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return getRequestorType() == RequestorType.PROXY && getRequestingPort() == proxyPort
                        ? new PasswordAuthentication("kiln", "proxy-s3cret".toCharArray()) : null;
            }
        });
        upload(file);

        assertThat(gcs.completed.get("hello.tar.gz")).isEqualTo(Files.readAllBytes(file));
        assertThat(gcs.requests).anyMatch(r -> r.startsWith("PUT /upload/"));
        assertThat(Files.readString(tmp.resolve("tinyproxy.log"))).as("the upload went through the proxy's tunnel")
                .contains("CONNECT localhost:" + gcs.endpoint().replaceAll(".*:", ""));
        assertThat(gcs.headers).as("the proxy's credentials stop at the proxy")
                .noneMatch(h -> h.containsKey("proxy-authorization"));
    }
}
