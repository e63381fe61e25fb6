package dev.kiln.vcenter;

import dev.kiln.api.Architecture;
import dev.kiln.api.Artifact;
import dev.kiln.api.BootMode;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.KilnException;
import dev.kiln.api.PublishPolicy;
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
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.util.HexFormat;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * TLS to vCenter: vcsim behind a TLS proxy whose certificate a test CA (the self-signed certificate itself)
 * vouches for. Verified by default; --ca-cert and --thumbprint pass; a wrong CA, the system store and a wrong
 * thumbprint are refused without any call going through; --insecure works and warns.
 */
class VcenterTlsTest {

    @TempDir
    static Path keys;

    @TempDir
    Path tmp;

    private static VcenterWorld world;
    private static Path serverPem;
    private static Path otherPem;
    private static String sha256;

    @BeforeAll
    static void start() throws Exception {
        TestCertificates certificates = new TestCertificates(keys);
        TestCertificates.ServerKey vc = certificates.selfSigned("vc", "ip:127.0.0.1");
        serverPem = vc.pem();
        otherPem = certificates.selfSigned("other", "ip:127.0.0.1").pem();
        SSLContext tls = vc.context();
        world = new VcenterWorld(tls);
        world.createLibrary("kiln");
        try (InputStream in = Files.newInputStream(serverPem)) {
            byte[] der = CertificateFactory.getInstance("X.509").generateCertificate(in).getEncoded();
            sha256 = HexFormat.ofDelimiter(":").formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (world != null) {
            world.close();
        }
    }

    private int calls;

    @BeforeEach
    void mark() {
        calls = world.mutations().size();
    }

    private PushRequest ova(String name) throws Exception {
        return new PushRequest(Artifact.single(ImageFormat.OVA, VcenterProviderTckTest.ova(tmp, "img")), name,
                Architecture.AMD64, Set.of(BootMode.BIOS, BootMode.UEFI), "blocks-sha256:" + "d".repeat(64),
                PublishPolicy.DEFAULT, false);
    }

    private PushResult push(ProviderHarness harness, String name) throws Exception {
        try (Provider p = new VcenterProviderFactory().create(harness.pushContext())) {
            return p.push(ova(name));
        }
    }

    @Test
    void theSystemTrustStoreAndAWrongCaAreRefusedBeforeAnyCall() throws Exception {
        Throwable bySystem = catchThrowable(() -> push(world.harness(tmp), "sys"));
        Throwable byOther = catchThrowable(() -> push(world.harness(tmp).flag("ca-cert", otherPem.toString()), "other"));

        for (Throwable t : new Throwable[]{bySystem, byOther}) {
            assertThat(t).isInstanceOf(KilnException.class).hasMessageContaining("TLS")
                    .hasMessageContaining("--ca-cert").hasMessageContaining("--thumbprint");
        }
        assertThat(world.mutations()).hasSize(calls);
    }

    @Test
    void caCertVerifiesTheServer() throws Exception {
        PushResult r = push(world.harness(tmp).flag("ca-cert", serverPem.toString()), "by-ca");

        assertThat(r.outcome()).isEqualTo(PushResult.Outcome.CREATED);
        assertThat(world.images("by-ca")).hasSize(1);
    }

    @Test
    void aThumbprintPinsTheServerAndAWrongOneIsRefused() throws Exception {
        PushResult r = push(world.harness(tmp).flag("thumbprint", sha256), "by-pin");
        Throwable wrong = catchThrowable(() -> push(world.harness(tmp).flag("thumbprint", "ab".repeat(32)), "bad-pin"));

        assertThat(r.outcome()).isEqualTo(PushResult.Outcome.CREATED);
        assertThat(wrong).isInstanceOf(KilnException.class).hasMessageContaining("TLS");
        assertThat(world.images("bad-pin")).isEmpty();
    }

    @Test
    void insecureWorksAndSaysSoLoudly() throws Exception {
        ProviderHarness harness = world.harness(tmp).flag("insecure", "true");

        PushResult r = push(harness, "insecure");

        assertThat(r.outcome()).isEqualTo(PushResult.Outcome.CREATED);
        assertThat(harness.events().text()).contains("--insecure").contains("NOT verified");
    }
}
