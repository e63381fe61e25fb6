package dev.kiln.vcenter;

import dev.kiln.api.Architecture;
import dev.kiln.api.Artifact;
import dev.kiln.api.BootMode;
import dev.kiln.api.CancelToken;
import dev.kiln.api.Events;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.KilnException;
import dev.kiln.api.PublishPolicy;
import dev.kiln.spi.Provider;
import dev.kiln.spi.PushRequest;
import dev.kiln.testkit.ProviderHarness;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The content library hands out the URL each file is PUT to. The session ID and the image go there only when it
 * is the vCenter kiln signed in to (scheme, host, port); anything else is refused before a byte is sent.
 */
@Tag("security")
class VcenterUploadUrlSecurityTest {

    @TempDir
    Path tmp;

    private static VcenterRest rest(String base) {
        return new VcenterRest(new VcenterConnection(URI.create(base), "u", "p", HttpClient.newHttpClient(), "test"),
                Events.none(), CancelToken.create());
    }

    @Test
    void anUploadAddressOnAnotherHostSchemeOrPortIsRefused() {
        VcenterRest rest = rest("https://vc.example.org");
        for (String foreign : new String[] {"https://evil.example/cls/data/1/disk.vmdk",
                "http://vc.example.org/cls/data/1/disk.vmdk", "https://vc.example.org:8443/cls/data/1/disk.vmdk",
                "https://vc.example.org.evil.example/cls/data/1/disk.vmdk"}) {
            assertThatThrownBy(() -> rest.onVcenter("upload disk.vmdk", URI.create(foreign)))
                    .as(foreign).isInstanceOf(KilnException.class).hasMessageContaining("another host or scheme")
                    .hasMessageContaining("https://vc.example.org");
        }
    }

    @Test
    void anUploadAddressOnVcenterOrOnTheStarHostIsKept() {
        VcenterRest rest = rest("https://vc.example.org");
        assertThat(rest.onVcenter("x", URI.create("https://VC.example.org:443/cls/data/1/a.ovf?x=1")))
                .hasToString("https://VC.example.org:443/cls/data/1/a.ovf?x=1");
        assertThat(rest.onVcenter("x", URI.create("https://*/cls/data/1/a.ovf")))
                .hasToString("https://vc.example.org/cls/data/1/a.ovf");
    }

    /** vcsim names its upload URLs by 127.0.0.1; kiln signed in to "localhost": another host, so nothing is PUT. */
    @Test
    void aPushWhoseUploadUrlNamesAnotherHostSendsNoFileAndLeavesNoItem() throws Exception {
        try (VcenterWorld world = new VcenterWorld()) {
            world.createLibrary("kiln");
            ProviderHarness harness = world.harness(tmp)
                    .env("GOVC_URL", world.proxy.base().toString().replace("127.0.0.1", "localhost"));
            PushRequest request = new PushRequest(Artifact.single(ImageFormat.OVA,
                    VcenterProviderTckTest.ova(tmp, "img")), "elsewhere", Architecture.AMD64,
                    Set.of(BootMode.BIOS), "blocks-sha256:" + "d".repeat(64), PublishPolicy.DEFAULT, false);

            try (Provider p = new VcenterProviderFactory().create(harness.pushContext())) {
                assertThatThrownBy(() -> p.push(request)).isInstanceOf(KilnException.class)
                        .hasMessageContaining("another host or scheme").hasMessageContaining("localhost");
            }

            assertThat(world.mutations()).as("no file was PUT anywhere")
                    .noneMatch(c -> c.startsWith("PUT /rest/com/vmware/cis/data/"));
            assertThat(world.images("elsewhere")).as("the empty item was removed").isEmpty();
        }
    }
}
