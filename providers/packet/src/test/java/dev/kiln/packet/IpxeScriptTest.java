package dev.kiln.packet;

import dev.kiln.api.Architecture;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class IpxeScriptTest {

    private static final String BASE = "http://boot.example:8080/images";

    @Test
    void namesTheInitrdBeforeTheKernelAndPassesItByName() {
        String script = new IpxeScript(BASE + "/hello-kernel", BASE + "/hello-initrd.img", "ttyS1,115200",
                "console=tty0  page_poison=1\n", "sha256:" + "ab".repeat(32)).render(Optional.of(BASE));

        assertThat(script).isEqualTo("""
                #!ipxe
                # kiln-digest: sha256:%s
                dhcp
                set base-url http://boot.example:8080/images
                initrd --name initrd ${base-url}/hello-initrd.img
                kernel ${base-url}/hello-kernel initrd=initrd ip=dhcp nomodeset ro console=ttyS1,115200 console=tty0 page_poison=1
                boot
                """.formatted("ab".repeat(32)));
    }

    @Test
    void writesWholeUrlsWhenThereIsNoCommonFolderUrl() {
        String script = new IpxeScript("https://s3.example/b/k?X-Amz-Signature=1", "https://s3.example/b/i?X-Amz-Signature=2",
                "ttyAMA0", "", "sha256:00").render(Optional.empty());

        assertThat(script).doesNotContain("base-url")
                .contains("initrd --name initrd https://s3.example/b/i?X-Amz-Signature=2\n")
                .contains("kernel https://s3.example/b/k?X-Amz-Signature=1 initrd=initrd ip=dhcp nomodeset ro console=ttyAMA0\n");
    }

    @Test
    void picksTheConsoleOfEachArchitecture() {
        assertThat(IpxeScript.defaultConsole(Architecture.AMD64)).isEqualTo("ttyS1,115200");
        assertThat(IpxeScript.defaultConsole(Architecture.ARM64)).isEqualTo("ttyAMA0");
    }

    @Test
    void readsBackTheDigestItRecordsAndNothingFromForeignScripts() {
        String ours = new IpxeScript(BASE + "/k", BASE + "/i", "ttyS0", "", "sha256:beef").render(Optional.of(BASE));

        assertThat(IpxeScript.recordedDigest(ours)).contains("sha256:beef");
        assertThat(IpxeScript.recordedDigest("#!ipxe\ndhcp\nchain http://x/boot.ipxe\n")).isEmpty();
    }

    @Test
    void readsTheKernelAndInitrdUrlsOfItsOwnScriptsOfPresignedOnesAndOfLinuxKits() {
        String ours = new IpxeScript(BASE + "/hello-kernel", BASE + "/hello-initrd.img", "ttyS0", "quiet", "sha256:00")
                .render(Optional.of(BASE));
        String presigned = new IpxeScript("https://s3.example/b/k?X-Amz-Signature=1", "https://s3.example/b/i.img?a=b",
                "ttyS0", "", "sha256:00").render(Optional.empty());
        String linuxkit = "#!ipxe\ndhcp\nset base-url http://x/y\nset kernel-params ip=dhcp\n"
                + "kernel ${base-url}/lk-kernel ${kernel-params}\ninitrd ${base-url}/lk-initrd.img\nboot\n";

        assertThat(IpxeScript.fetches(ours)).isEqualTo(new IpxeScript.Fetches(Optional.of(BASE + "/hello-kernel"),
                Optional.of(BASE + "/hello-initrd.img")));
        assertThat(IpxeScript.fetches(presigned).kernel()).contains("https://s3.example/b/k?X-Amz-Signature=1");
        assertThat(IpxeScript.Fetches.fileName(IpxeScript.fetches(presigned).initrd().orElseThrow())).isEqualTo("i.img");
        assertThat(IpxeScript.fetches(linuxkit)).isEqualTo(new IpxeScript.Fetches(Optional.of("http://x/y/lk-kernel"),
                Optional.of("http://x/y/lk-initrd.img")));
    }
}
