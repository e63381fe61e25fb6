package dev.kiln.qemu;

import dev.kiln.build.Format;
import dev.kiln.api.KilnException;
import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.RunResult;
import dev.kiln.testkit.ProviderContractTest;
import dev.kiln.testkit.ProviderHarness;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The provider contract, and what {@code run} does before and around qemu, without booting a guest. */
class QemuProviderTest extends ProviderContractTest {

    @Override
    protected ProviderFactory factory() {
        return new QemuProviderFactory();
    }

    @Override
    protected Map<String, String> environmentWithoutCredentials() {
        return null;
    }

    @Override
    protected String missingCredentialHint() {
        return "";
    }

    /** NAME-kernel and NAME-initrd.img that are never booted here. */
    private Path kernelInitrd(String name) throws IOException {
        Path prefix = tmp.resolve(name);
        Files.writeString(Path.of(prefix + "-kernel"), "kernel");
        Files.writeString(Path.of(prefix + "-initrd.img"), "initrd");
        return prefix;
    }

    private RunResult run(ProviderHarness harness, Path image, boolean dryRun) throws InterruptedException {
        try (Provider provider = factory().create(harness.runContext())) {
            return provider.run(new RunRequest(image.toString(), image.getFileName().toString(), dryRun));
        }
    }

    @Test
    void runsButNeverPushesAndListsWhatItBoots() {
        assertThat(factory().canPush()).isFalse();
        assertThat(factory().canRun()).isTrue();
        assertThat(factory().accepts()).contains(Format.KERNEL_INITRD, Format.RAW_EFI, Format.ISO_BIOS,
                Format.QCOW2_BIOS, Format.VHD, Format.VMDK).doesNotContain(Format.TAR, Format.OVA);
    }

    @Test
    void aDryRunShowsTheQemuCommandAndMakesNothing() throws Exception {
        Path image = kernelInitrd("hello");
        ProviderHarness harness = new ProviderHarness(factory(), tmp).flag("disk", "size=1G")
                .flag("data", "secret-userdata-123").flag("publish", "8080:80");

        RunResult result = run(harness, image, true);

        assertThat(result.state()).isEqualTo("dry-run");
        assertThat(harness.events().text()).contains("would run: qemu-system-x86_64")
                .contains("-kernel " + image + "-kernel").contains("hostfwd=tcp::8080-:80")
                .contains("disk " + tmp.resolve("hello-state/disk.img") + " (qcow2, 1024 MiB, new)");
        assertThat(tmp.resolve("hello-state")).doesNotExist();
        assertThat(result.addresses()).containsEntry("tcp/80", "127.0.0.1:8080")
                .containsEntry("private_ipv4", "10.0.2.15");
    }

    @Test
    void userdataNeverReachesTheLog() throws Exception {
        ProviderHarness harness = new ProviderHarness(factory(), tmp).flag("data", "secret-userdata-123");

        run(harness, kernelInitrd("hello"), true);

        assertThat(harness.events().text()).doesNotContain("secret-userdata-123").contains("from --data (19 bytes)");
    }

    @Test
    void aMissingImageIsAUsageErrorNamingWhatWasLookedFor() {
        ProviderHarness harness = new ProviderHarness(factory(), tmp);

        assertThatThrownBy(() -> run(harness, tmp.resolve("nothing"), false)).isInstanceOf(KilnException.class)
                .matches(e -> ((KilnException) e).isUsage()).hasMessageContaining("nothing-kernel");
    }

    @Test
    void contradictoryFlagsAreUsageErrorsBeforeAnythingIsMade() throws Exception {
        Path image = kernelInitrd("hello");
        Path file = Files.writeString(tmp.resolve("ud.json"), "{}");

        assertUsage(new ProviderHarness(factory(), tmp).flag("uefi", "true").flag("bios", "true"), image, "--uefi");
        assertUsage(new ProviderHarness(factory(), tmp).flag("data", "a").flag("userdata-file", file.toString()),
                image, "Give userdata once");
        assertUsage(new ProviderHarness(factory(), tmp).flag("detach", "true").flag("timeout", "5m"), image,
                "--detach");
        assertUsage(new ProviderHarness(factory(), tmp).flag("publish", "80:80").flag("networking", "none"), image,
                "--networking user");
        assertUsage(new ProviderHarness(factory(), tmp).flag("cpus", "0"), image, "--cpus must be 1 or more");
        assertThat(tmp.resolve("hello-state")).doesNotExist();
    }

    private void assertUsage(ProviderHarness harness, Path image, String message) {
        assertThatThrownBy(() -> run(harness, image, false)).isInstanceOf(KilnException.class)
                .matches(e -> ((KilnException) e).isUsage(), "is a usage error").hasMessageContaining(message);
    }

    @Test
    void anExistingDiskIsUsedAsItIsAndAMissingOneNeedsASize() throws Exception {
        Path image = kernelInitrd("hello");
        Path existing = tmp.resolve("data.qcow2");
        TestDisks.exec("qemu-img", "create", "-q", "-f", "qcow2", existing.toString(), "8M");
        ProviderHarness harness = new ProviderHarness(factory(), tmp).flag("disk", existing.toString());

        run(harness, image, true);

        assertThat(harness.events().text()).contains("disk " + existing + " (qcow2, existing)");
        assertUsage(new ProviderHarness(factory(), tmp).flag("disk", tmp.resolve("new.img").toString()), image,
                "give its size");
    }

    @Test
    void aQemuErrorFailsTheRunAndRemovesTheDisksItMade() throws Exception {
        Path image = kernelInitrd("hello");
        ProviderHarness harness = new ProviderHarness(factory(), tmp).flag("disk", "size=64M")
                .flag("mem", "999999999");

        assertThatThrownBy(() -> run(harness, image, false)).isInstanceOf(KilnException.class)
                .hasMessageContaining("qemu exited with 1")
                .hasMessageContaining("removed what this run made: disk " + tmp.resolve("hello-state/disk.img"));
        assertThat(tmp.resolve("hello-state/disk.img")).doesNotExist();
        assertThat(tmp.resolve("hello-state/mac-addr")).exists();
    }

    @Test
    void refusesToPush() {
        ProviderHarness harness = new ProviderHarness(factory(), tmp);
        try (Provider provider = factory().create(harness.runContext())) {
            assertThatThrownBy(() -> provider.push(ProviderHarness.pushRequest(tmp.resolve("x.raw"), Format.AWS)))
                    .isInstanceOf(KilnException.class).hasMessageContaining("kiln run qemu");
        }
    }
}
