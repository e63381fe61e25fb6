package dev.kiln.openstack;

import dev.kiln.api.ImageFormat;
import dev.kiln.api.KilnException;
import dev.kiln.spi.Provider;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.testkit.ProviderHarness;
import dev.kiln.testkit.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * TLS to Keystone and Glance: the real rig ({@link KeystoneGlance}) behind HTTPS fronts whose certificate a CA made
 * in the test signed; Keystone's catalog, as the front rewrites it, names the HTTPS Glance front. Without --cacert
 * the push fails naming the certificate and what to pass, with nothing sent; with --cacert (or OS_CACERT) it
 * verifies and works; a Glance whose certificate fails never gets the token; --insecure works and warns loudly.
 */
class OpenStackTlsTest {

    @TempDir
    static Path keys;

    @TempDir
    Path tmp;

    private static Path caPem;
    private static Path otherCaPem;
    private static TlsFront keystone;
    private static TlsFront glance;
    private static TlsFront rogueGlance;
    private KeystoneGlance rig;

    @BeforeAll
    static void fronts() throws Exception {
        KeystoneGlance rig = KeystoneGlance.shared();
        TestCertificates k = new TestCertificates(keys);
        caPem = k.ca("kiln-test-ca");
        otherCaPem = k.ca("other-ca");
        SSLContext good = k.signedBy("kiln-test-ca", "front", "ip:127.0.0.1").context();
        keystone = new TlsFront(good, "http://127.0.0.1:" + rig.keystonePort);
        glance = new TlsFront(good, rig.proxy.url());
        rogueGlance = new TlsFront(k.selfSigned("elsewhere.invalid", "dns:elsewhere.invalid").context(),
                rig.proxy.url());
    }

    @AfterAll
    static void close() {
        for (TlsFront f : new TlsFront[]{keystone, glance, rogueGlance}) {
            if (f != null) {
                f.close();
            }
        }
    }

    @BeforeEach
    void reset() throws Exception {
        rig = KeystoneGlance.shared();
        rig.proxy.reset();
        for (TlsFront f : new TlsFront[]{keystone, glance, rogueGlance}) {
            f.reset();
        }
        keystone.rewrite(rig.proxy.url(), glance.url());
    }

    private ProviderHarness harness() {
        Map<String, String> env = new LinkedHashMap<>(rig.passwordEnv());
        env.put("OS_AUTH_URL", keystone.url() + "/v3");
        ProviderHarness h = new ProviderHarness(new OpenStackProviderFactory(), tmp);
        env.forEach(h::env);
        return h;
    }

    private PushRequest request(ProviderHarness h, String name) throws Exception {
        Path image = tmp.resolve(name + ".qcow2");
        Files.write(image, OpenStackFixtures.smallQcow2());
        return PushRequest.of(image, ImageFormat.QCOW2_BIOS, name, "blocks-sha256:"
                + UUID.randomUUID().toString().replace("-", "").repeat(2));
    }

    private static PushResult push(ProviderHarness h, PushRequest request) throws Exception {
        try (Provider p = new OpenStackProviderFactory().create(h.pushContext())) {
            return p.push(request);
        }
    }

    @Test
    void withoutCacertThePushFailsNamingTheCertificateAndWhatToPassBeforeAnythingIsSent() throws Exception {
        Set<String> before = rig.images();
        ProviderHarness h = harness();
        ProviderHarness wrongCa = harness().flag("cacert", otherCaPem.toString());

        Throwable bySystem = catchThrowable(() -> push(h, request(h, "tls-none")));
        Throwable byOther = catchThrowable(() -> push(wrongCa, request(wrongCa, "tls-other")));

        for (Throwable t : new Throwable[]{bySystem, byOther}) {
            assertThat(t).isInstanceOf(KilnException.class)
                    .hasMessageContaining("TLS certificate of 127.0.0.1:" + keystone.url().replaceAll(".*:", ""))
                    .hasMessageContaining("failed verification").hasMessageContaining("--cacert FILE")
                    .hasMessageContaining("OS_CACERT").hasMessageContaining("--insecure")
                    .hasMessageNotContaining(KeystoneGlance.PASSWORD);
        }
        assertThat(bySystem).hasMessageContaining("Java's default CA certificates do not vouch for it");
        assertThat(byOther).hasMessageContaining("the CA certificates in " + otherCaPem + " (--cacert/OS_CACERT) "
                + "do not vouch for it");
        assertThat(keystone.seen()).as("the password never left").isEmpty();
        assertThat(rig.proxy.mutations()).isEmpty();
        assertThat(rig.images()).isEqualTo(before);
    }

    @Test
    void cacertVerifiesKeystoneAndGlanceAndThePushWorks() throws Exception {
        ProviderHarness h = harness().flag("cacert", caPem.toString());
        PushRequest request = request(h, "tls-cacert");

        PushResult result = push(h, request);

        String id = result.images().get(0).imageId();
        assertThat(result.outcome()).isEqualTo(PushResult.Outcome.CREATED);
        assertThat(Files.readAllBytes(rig.storedFile(id))).isEqualTo(OpenStackFixtures.smallQcow2());
        assertThat(rig.image(id).path("status").asText()).isEqualTo("active");
        assertThat(keystone.seen()).containsExactly("POST /v3/auth/tokens [password]");
        assertThat(glance.seen()).as("Glance was reached only through TLS, with the token")
                .contains("POST /v2/images [token]", "PUT /v2/images/{id}/file [token]");
        assertThat(h.events().text()).doesNotContain("--insecure");
    }

    @Test
    void aGlanceWhoseCertificateFailsNeverGetsTheToken() throws Exception {
        keystone.rewrite(rig.proxy.url(), rogueGlance.url());
        Set<String> before = rig.images();
        ProviderHarness h = harness().env("OS_CACERT", caPem.toString());

        Throwable failure = catchThrowable(() -> push(h, request(h, "tls-rogue")));

        assertThat(failure).isInstanceOf(KilnException.class)
                .hasMessageContaining("TLS certificate of 127.0.0.1:" + rogueGlance.url().replaceAll(".*:", ""))
                .hasMessageContaining("--cacert FILE");
        assertThat(keystone.seen()).as("Keystone, verified by OS_CACERT, was asked")
                .containsExactly("POST /v3/auth/tokens [password]");
        assertThat(rogueGlance.seen()).as("no request, so no token, reached the unverified Glance").isEmpty();
        assertThat(rig.proxy.mutations()).isEmpty();
        assertThat(rig.images()).isEqualTo(before);
    }

    @Test
    void insecureWorksEvenForAnUnknownCaAndAnotherHostNameAndSaysSoLoudly() throws Exception {
        keystone.rewrite(rig.proxy.url(), rogueGlance.url());
        ProviderHarness h = harness().flag("insecure", "true");

        PushResult result = push(h, request(h, "tls-insecure"));

        String id = result.images().get(0).imageId();
        assertThat(Files.readAllBytes(rig.storedFile(id))).isEqualTo(OpenStackFixtures.smallQcow2());
        assertThat(rogueGlance.seen()).contains("PUT /v2/images/{id}/file [token]");
        assertThat(h.events().text()).contains("--insecure").contains("NOT verified")
                .contains("anyone on the path can read the token");
    }
}
