package dev.kiln.qemu;

import dev.kiln.api.DiskRequest;
import dev.kiln.api.Event;
import dev.kiln.api.Events;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.KilnException;
import dev.kiln.api.Lifecycle;
import dev.kiln.api.Userdata;
import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.RunResult;
import dev.kiln.testkit.ProviderContractTest;
import dev.kiln.testkit.ProviderHarness;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

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
        return run(harness, image, dryRun, r -> r);
    }

    /** Runs with the shared flags the CLI would have put in the request. */
    private RunResult run(ProviderHarness harness, Path image, boolean dryRun, UnaryOperator<RunRequest> shared)
            throws InterruptedException {
        try (Provider provider = factory().create(harness.runContext())) {
            return provider.run(shared.apply(RunRequest.of(image.toString(), image.getFileName().toString(), dryRun)));
        }
    }

    /** {@code --disk} values as the CLI parses them for qemu. */
    static UnaryOperator<RunRequest> disks(String... values) {
        return r -> r.withDisks(List.of(values).stream()
                .map(v -> DiskRequest.parse(v, new QemuProviderFactory().runSupport().diskKeys(), false)).toList());
    }

    static UnaryOperator<RunRequest> userdata(String text) {
        return r -> r.withUserdata(Userdata.ofText(text, "--userdata"));
    }

    static UnaryOperator<RunRequest> lifecycle(Lifecycle.Wait wait, boolean rm, String timeout) {
        return r -> r.withLifecycle(new Lifecycle(Optional.ofNullable(wait), rm, false,
                Optional.ofNullable(timeout).map(t -> Duration.parse("PT" + t))));
    }

    @Test
    void runsButNeverPushesAndListsWhatItBoots() {
        assertThat(factory().canPush()).isFalse();
        assertThat(factory().canRun()).isTrue();
        assertThat(factory().accepts()).contains(ImageFormat.KERNEL_INITRD, ImageFormat.RAW_EFI,
                ImageFormat.ISO_BIOS, ImageFormat.QCOW2_BIOS, ImageFormat.VHD, ImageFormat.VMDK)
                .doesNotContain(ImageFormat.TAR, ImageFormat.OVA);
    }

    @Test
    void aDryRunShowsTheQemuCommandAndMakesNothing() throws Exception {
        Path image = kernelInitrd("hello");
        ProviderHarness harness = new ProviderHarness(factory(), tmp).flag("publish", "8080:80");

        RunResult result = run(harness, image, true,
                r -> userdata("secret-userdata-123").apply(disks("size=1G").apply(r)));

        assertThat(result.state()).isEqualTo("dry-run");
        assertThat(harness.events().text()).contains("would run: qemu-system-x86_64")
                .contains("-kernel " + image + "-kernel").contains("hostfwd=tcp::8080-:80")
                .contains("disk " + tmp.resolve("hello-state/disk.img") + " (qcow2, 1024 MiB, new)");
        assertThat(tmp.resolve("hello-state")).doesNotExist();
        assertThat(result.addresses()).containsEntry("tcp/80", "127.0.0.1:8080")
                .containsEntry("private_ipv4", "10.0.2.15");
    }

    @Test
    void everyImageFilesStateFolderIsTheFileNameWithStateAfterIt() throws Exception {
        byte[] iso = new byte[0x8006];
        System.arraycopy("CD001".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, iso, 0x8001, 5);
        Path isoFile = Files.write(tmp.resolve("hello-efi.iso"), iso);
        Path raw = Files.write(tmp.resolve("hello-efi.img"), new byte[1024]);
        byte[] vhd = new byte[1024];
        System.arraycopy("conectix".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, vhd, 512, 8);
        Path vhdFile = Files.write(tmp.resolve("hello.vhd"), vhd);
        kernelInitrd("hello");

        assertThat(BootImage.locate(isoFile.toString()).defaultStateDir()).isEqualTo(tmp.resolve("hello-efi.iso-state"));
        assertThat(BootImage.locate(raw.toString()).defaultStateDir()).isEqualTo(tmp.resolve("hello-efi.img-state"));
        assertThat(BootImage.locate(vhdFile.toString()).defaultStateDir()).isEqualTo(tmp.resolve("hello.vhd-state"));
        assertThat(BootImage.locate(tmp.resolve("hello").toString()).defaultStateDir())
                .isEqualTo(tmp.resolve("hello-state"));
    }

    @Test
    void memTakesASizeWithAUnitAndABareNumberIsMiB() throws Exception {
        Path image = kernelInitrd("hello");
        for (String[] mem : new String[][] {{"2G", "2048"}, {"2GiB", "2048"}, {"2GB", "2048"}, {"512", "512"},
                {"512M", "512"}}) {
            ProviderHarness harness = new ProviderHarness(factory(), tmp).flag("mem", mem[0]);

            run(harness, image, true);

            assertThat(harness.events().text()).as(mem[0]).contains(" -m " + mem[1] + " ");
        }
        assertUsage(new ProviderHarness(factory(), tmp).flag("mem", "lots"), image,
                "--mem takes a size such as 10G, 10GiB, 512M or 2048 (MiB) (units are 1024-based; a bare number "
                        + "is in MiB), not 'lots'");
    }

    @Test
    void userdataNeverReachesTheLog() throws Exception {
        ProviderHarness harness = new ProviderHarness(factory(), tmp);

        run(harness, kernelInitrd("hello"), true, userdata("secret-userdata-123"));

        assertThat(harness.events().text()).doesNotContain("secret-userdata-123")
                .contains("from --userdata (19 bytes)");
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

        assertUsage(new ProviderHarness(factory(), tmp).flag("uefi", "true").flag("bios", "true"), image, "--uefi");
        assertUsage(new ProviderHarness(factory(), tmp), image, lifecycle(Lifecycle.Wait.RUNNING, true, null),
                "--wait running");
        assertUsage(new ProviderHarness(factory(), tmp).flag("interactive", "yes"), image,
                lifecycle(Lifecycle.Wait.RUNNING, false, null), "--interactive yes");
        assertUsage(new ProviderHarness(factory(), tmp).flag("publish", "80:80").flag("networking", "none"), image,
                "--networking user");
        assertUsage(new ProviderHarness(factory(), tmp).flag("cpus", "0"), image, "--cpus must be 1 or more");
        assertThat(tmp.resolve("hello-state")).doesNotExist();
    }

    @Test
    void refusesAWaitItCannotDoAndOverSizeUserdata() throws Exception {
        Path image = kernelInitrd("hello");
        byte[] big = new byte[QemuProviderFactory.USERDATA_LIMIT + 1];

        assertUsage(new ProviderHarness(factory(), tmp), image, lifecycle(Lifecycle.Wait.NONE, false, null),
                "cannot --wait none");
        assertUsage(new ProviderHarness(factory(), tmp), image,
                r -> r.withUserdata(Userdata.of(big, "--userdata-file big")), "16777216");
        assertThat(tmp.resolve("hello-state")).doesNotExist();
    }

    private void assertUsage(ProviderHarness harness, Path image, String message) {
        assertUsage(harness, image, r -> r, message);
    }

    private void assertUsage(ProviderHarness harness, Path image, UnaryOperator<RunRequest> shared, String message) {
        assertThatThrownBy(() -> run(harness, image, false, shared)).isInstanceOf(KilnException.class)
                .matches(e -> ((KilnException) e).isUsage(), "is a usage error").hasMessageContaining(message);
    }

    @Test
    void anExistingDiskIsUsedAsItIsAndAMissingOneNeedsASize() throws Exception {
        Path image = kernelInitrd("hello");
        Path existing = tmp.resolve("data.qcow2");
        TestDisks.exec("qemu-img", "create", "-q", "-f", "qcow2", existing.toString(), "8M");
        ProviderHarness harness = new ProviderHarness(factory(), tmp);

        run(harness, image, true, disks(existing.toString()));

        assertThat(harness.events().text()).contains("disk " + existing + " (qcow2, existing)");
        assertUsage(new ProviderHarness(factory(), tmp), image, disks(tmp.resolve("new.img").toString()),
                "give its size");
    }

    @Test
    void aQemuErrorFailsTheRunAndRemovesTheDisksItMade() throws Exception {
        Path image = kernelInitrd("hello");
        ProviderHarness harness = new ProviderHarness(factory(), tmp).flag("mem", "999999999");

        assertThatThrownBy(() -> run(harness, image, false, disks("size=64M"))).isInstanceOf(KilnException.class)
                .hasMessageContaining("qemu exited with 1")
                .hasMessageContaining("removed run-record " + tmp.resolve("hello-state/kiln-run.properties")
                        + ", disk " + tmp.resolve("hello-state/disk.img"));
        assertThat(tmp.resolve("hello-state/disk.img")).doesNotExist();
        assertThat(tmp.resolve("hello-state/kiln-run.properties")).as("nothing for kiln ls to find").doesNotExist();
        assertThat(tmp.resolve("hello-state/mac-addr")).exists();
    }

    /**
     * Ctrl-C through the token while "qemu" runs: a stand-in binary that prints a console line and sleeps, so
     * the latch opens on that line, and the cancel must stop the process and remove the disk and seed CD.
     */
    @Test
    void aCancelWhileQemuRunsStopsItAndRemovesWhatTheRunMade() throws Exception {
        Path image = kernelInitrd("hello");
        Path pidFile = tmp.resolve("fake-qemu.pid");
        Path fakeQemu = Files.writeString(tmp.resolve("fake-qemu"),
                "#!/bin/sh\necho $$ > " + pidFile + "\necho fake-qemu-up\nexec sleep 600\n");
        assertThat(fakeQemu.toFile().setExecutable(true)).isTrue();
        ProviderHarness harness = new ProviderHarness(factory(), tmp).flag("qemu", fakeQemu.toString())
                .flag("interactive", "no");
        CountDownLatch up = new CountDownLatch(1);
        ProviderContext context = harness.runContext().toBuilder().events(new Events(event -> {
            if (event instanceof Event.Log log && log.message().equals("fake-qemu-up")) {
                up.countDown();
            }
            harness.events().accept(event);
        }, "qemu")).build();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread runner = new Thread(() -> {
            try (Provider provider = factory().create(context)) {
                provider.run(userdata("cancel-me").apply(disks("size=16M").apply(RunRequest.of(image.toString(),
                        "hello", false))));
            } catch (Throwable t) {
                thrown.set(t);
            }
        });

        runner.start();
        assertThat(up.await(60, TimeUnit.SECONDS)).as("the stand-in qemu printed its line").isTrue();
        harness.cancel().cancel();
        runner.join(30_000);

        assertThat(runner.isAlive()).as("the run returned after the cancel").isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("the qemu process").isEmpty();
        assertThat(tmp.resolve("hello-state/disk.img")).doesNotExist();
        assertThat(tmp.resolve("hello-state/seed.iso")).doesNotExist();
        assertThat(harness.events().text()).contains("interrupted; stopped qemu; removed run-record "
                + tmp.resolve("hello-state/kiln-run.properties") + ", seed-iso "
                + tmp.resolve("hello-state/seed.iso") + ", disk " + tmp.resolve("hello-state/disk.img"));
    }

    @Test
    void refusesToPush() {
        ProviderHarness harness = new ProviderHarness(factory(), tmp);
        try (Provider provider = factory().create(harness.runContext())) {
            assertThatThrownBy(() -> provider.push(ProviderHarness.pushRequest(tmp.resolve("x.raw"), ImageFormat.AWS)))
                    .isInstanceOf(KilnException.class).hasMessageContaining("kiln run qemu");
        }
    }
}
