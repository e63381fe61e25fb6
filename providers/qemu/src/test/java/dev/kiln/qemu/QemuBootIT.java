package dev.kiln.qemu;

import dev.kiln.api.Event;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.api.Lifecycle;
import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.Resource;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.RunResult;
import dev.kiln.testing.HostTools;
import dev.kiln.testkit.ProviderHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static dev.kiln.qemu.QemuProviderTest.disks;
import static dev.kiln.qemu.QemuProviderTest.lifecycle;
import static dev.kiln.qemu.QemuProviderTest.userdata;

/**
 * Boots real guests in qemu (TCG; 180 s timeouts because the machine is shared) and checks what a
 * user would: the marker the guest prints, userdata read back from the cidata CD, a published port
 * answering on loopback, disks qemu-img describes as asked. Boot times are written to the test
 * output for the record, never asserted.
 */
class QemuBootIT {

    private static final String TIMEOUT = "180s";

    @TempDir
    Path tmp;

    private final List<ProcessHandle> started = new ArrayList<>();

    @AfterEach
    void stopDetachedGuests() {
        started.forEach(ProcessHandle::destroyForcibly);
    }

    @Test
    void bootsAKernelAndInitrdToTheMarkerAndAttachesTheDisksItCreates() throws Exception {
        String marker = "kiln-marker-" + UUID.randomUUID();
        Path image = new TestGuest().modules("virtio_pci", "virtio_blk")
                .script("echo " + marker + "\nfor d in /sys/block/vd*; do echo \"DISK $(cat $d/size)\"; done")
                .writeTo(tmp, "hello");
        Path vhd = tmp.resolve("data.vhd");
        ProviderHarness harness = harness();

        RunResult result = run(harness, image.toString(), disks("size=64M", "file=" + vhd + ",size=1,format=vhd"));

        String console = Files.readString(result.consoleLog().orElseThrow());
        assertThat(result.exitCode()).contains(0);
        assertThat(result.state()).isEqualTo("exited");
        assertThat(console).contains(marker).contains("DISK 131072").contains("DISK 2097152");
        assertThat(harness.events().text()).contains(marker).contains("accelerator tcg");
        Path qcow2 = tmp.resolve("hello-state/disk.img");
        assertThat(QemuImgInfo.of(qcow2)).isEqualTo(new QemuImgInfo("qcow2", 64L << 20));
        assertThat(QemuImgInfo.of(vhd)).isEqualTo(new QemuImgInfo("vpc", 1L << 30));
        assertThat(result.created()).extracting(Resource::type, Resource::id)
                .contains(tuple("disk", qcow2.toString()),
                        tuple("disk", vhd.toString()));
        record(harness, "kernel+initrd, SeaBIOS");
    }

    @Test
    void passesUserdataThroughTheCidataCdAndRemovesItWithRm() throws Exception {
        String token = "token-" + UUID.randomUUID();
        Path image = new TestGuest().modules("ahci", "sr_mod", "isofs")
                .script("for i in $(seq 1 100); do [ -b /dev/sr0 ] && break; sleep 0.1; done\n"
                        + "mount -t iso9660 -o ro /dev/sr0 /mnt\n"
                        + "echo \"USERDATA $(cat /mnt/user-data)\"\n"
                        + "echo \"CONFIG $(cat /mnt/config)\"\n"
                        + "cat /mnt/meta-data")
                .writeTo(tmp, "seeded");
        ProviderHarness harness = harness();

        RunResult result = run(harness, image.toString(),
                r -> userdata(token).apply(lifecycle(null, true, TIMEOUT).apply(r)));

        String console = Files.readString(result.consoleLog().orElseThrow());
        assertThat(console).contains("USERDATA " + token).contains("CONFIG " + token)
                .contains("instance-id: ").contains("local-hostname: seeded");
        Path seed = tmp.resolve("seeded-state/seed.iso");
        assertThat(result.created()).extracting(Resource::id).contains(seed.toString());
        assertThat(result.removed()).isTrue();
        assertThat(seed).doesNotExist();
        record(harness, "kernel+initrd with a cidata CD");
    }

    @Test
    void publishesAGuestPortOnLoopbackWhileDetached() throws Exception {
        String token = "served-" + UUID.randomUUID();
        int port = freePort();
        Path image = new TestGuest().modules("virtio_pci", "virtio_net")
                .file("udhcpc.sh", "#!/bin/sh\n"
                        + "[ \"$1\" = bound ] && ifconfig $interface $ip netmask $subnet up\nexit 0\n")
                .script("ip link set eth0 up\n"
                        + "udhcpc -i eth0 -s /udhcpc.sh -q -t 20\n"
                        + "echo NET-UP $(ip -4 addr show eth0 | grep inet)\n"
                        // serve until stopped: a probe that reached slirp before nc listened is answered
                        // to a socket the test already closed, so one answer is not enough
                        + "while true; do printf 'HTTP/1.0 200 OK\\r\\n\\r\\n%s\\n' " + token + " | nc -l -p 80; done")
                .writeTo(tmp, "web");
        ProviderHarness harness = new ProviderHarness(new QemuProviderFactory(), tmp).flag("mem", "256")
                .flag("publish", "127.0.0.1:" + port + ":80");

        RunResult result = run(harness, image.toString(), lifecycle(Lifecycle.Wait.RUNNING, false, null));

        assertThat(result.state()).isEqualTo("running");
        assertThat(result.addresses()).containsEntry("tcp/80", "127.0.0.1:" + port);
        long pid = Long.parseLong(result.created().stream().filter(r -> r.type().equals("process"))
                .findFirst().orElseThrow().id());
        ProcessHandle guest = ProcessHandle.of(pid).orElseThrow();
        started.add(guest);
        Path console = result.consoleLog().orElseThrow();
        assertThat(httpGet(port, Duration.ofSeconds(180))).as(() -> "answer on port " + port + "; guest console:\n"
                + readQuietly(console)).contains(token);
        guest.destroy();
        guest.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(Files.readString(result.consoleLog().orElseThrow())).contains("NET-UP inet 10.0.2.15");
    }

    @Test
    void bootsWithUefiWhenAskedUsingAPrivateCopyOfTheVariables() throws Exception {
        String marker = "uefi-marker-" + UUID.randomUUID();
        Path image = new TestGuest().script("echo " + marker).writeTo(tmp, "efi");
        ProviderHarness harness = harness().flag("uefi", "true");
        String template = dev.kiln.core.Digests.sha256Hex(Firmware.DEFAULT_VARS);

        RunResult result = run(harness, image.toString());

        assertThat(Files.readString(result.consoleLog().orElseThrow())).contains(marker);
        Path vars = tmp.resolve("efi-state/efi-vars.fd");
        assertThat(vars).hasSize(Files.size(Firmware.DEFAULT_VARS));
        assertThat(dev.kiln.core.Digests.sha256Hex(Firmware.DEFAULT_VARS)).as("the shared template is untouched")
                .isEqualTo(template);
        assertThat(result.created()).extracting(Resource::type).contains("efi-vars");
        assertThat(harness.events().text()).contains("firmware OVMF (UEFI)");
        record(harness, "kernel+initrd, OVMF");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"iso", "qcow2", "vpc", "vmdk"})
    void bootsAnIsohybridImageWithBiosAsCdOrAsDiskWithUserdata(String format) throws Exception {
        String marker = "bios-" + format + "-" + UUID.randomUUID();
        String token = "token-" + UUID.randomUUID();
        Path guest = readsCidata(marker).writeTo(tmp, "guest");
        Path iso = TestDisks.isohybrid(guest, tmp.resolve("hybrid.iso"));
        Path image = format.equals("iso") ? iso : TestDisks.convert(iso, format, tmp.resolve("hybrid." + format));
        ProviderHarness harness = harness();

        // an ISO boots from a CD, so the seed is a second CD: q35 must take both
        RunResult result = run(harness, image.toString(),
                r -> userdata(token).apply(lifecycle(null, false, TIMEOUT).apply(r)));

        assertThat(Files.readString(result.consoleLog().orElseThrow())).contains(marker).contains("USERDATA " + token);
        assertThat(harness.events().text()).contains("firmware SeaBIOS (BIOS): the image has BIOS boot code");
        record(harness, format + " isohybrid with a cidata CD, SeaBIOS");
    }

    /**
     * A guest that prints the marker, then finds the cidata CD by its ISO9660 volume label (not by its
     * place: booted from an ISO, the first CD is the boot CD) and prints its user-data.
     */
    private static TestGuest readsCidata(String marker) {
        return new TestGuest().modules("ahci", "sr_mod", "isofs")
                .script("echo " + marker + "\n"
                        + "for i in $(seq 1 100); do for d in /dev/sr*; do\n"
                        + "  [ \"$(dd if=$d bs=1 skip=32808 count=6 2>/dev/null | tr a-z A-Z)\" = CIDATA ] && seed=$d\n"
                        + "done; [ -n \"$seed\" ] && break; sleep 0.1; done\n"
                        + "echo \"SEED $seed\"\n"
                        + "mount -t iso9660 -o ro \"$seed\" /mnt\n"
                        + "echo \"USERDATA $(cat /mnt/user-data)\"");
    }

    @Test
    void bootsARawGptDiskWithOnlyAnEspWithUefiWithUserdata() throws Exception {
        String marker = "esp-" + UUID.randomUUID();
        String token = "token-" + UUID.randomUUID();
        Path guest = readsCidata(marker).writeTo(tmp, "guest");
        Path disk = TestDisks.espDisk(guest, tmp.resolve("esp.img"));
        ProviderHarness harness = harness();

        RunResult result = run(harness, disk.toString(),
                r -> userdata(token).apply(lifecycle(null, false, TIMEOUT).apply(r)));

        assertThat(Files.readString(result.consoleLog().orElseThrow())).contains(marker).contains("USERDATA " + token);
        assertThat(harness.events().text()).contains("firmware OVMF (UEFI): the image can only boot with UEFI");
        record(harness, "raw GPT+ESP (systemd-boot), OVMF");
    }

    @Test
    void aGuestKernelPanicEndsTheRunWithExitStatusOne() throws Exception {
        Path image = new TestGuest().modules("pvpanic-mmio").script("echo c > /proc/sysrq-trigger\nsleep 60")
                .writeTo(tmp, "panics");

        RunResult result = run(harness(), image.toString());

        assertThat(result.exitCode()).contains(1);
        assertThat(Files.readString(result.consoleLog().orElseThrow())).contains("Kernel panic");
    }

    @Test
    void aTimeoutStopsTheGuestAndFailsNamingTheConsoleLog() throws Exception {
        Path image = new TestGuest().script("echo still-here\nsleep 600").writeTo(tmp, "slow");
        ProviderHarness harness = new ProviderHarness(new QemuProviderFactory(), tmp).flag("mem", "256");

        assertThatThrownBy(() -> run(harness, image.toString(),
                r -> disks("size=16M").apply(lifecycle(null, false, "3s").apply(r))))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("still running after 3 s")
                .hasMessageContaining(tmp.resolve("slow-state/console.log").toString())
                .hasMessageContaining("removed ")
                .hasMessageContaining("disk " + tmp.resolve("slow-state/disk.img"))
                .hasMessageContaining("run-record " + tmp.resolve("slow-state/kiln-run.properties"));
        assertThat(tmp.resolve("slow-state/disk.img")).doesNotExist();
        assertThat(tmp.resolve("slow-state/kiln-run.properties")).doesNotExist();
        assertThat(qemuProcessesFor(tmp)).isEmpty();
    }

    @Test
    void anInterruptStopsQemuAndRemovesWhatTheRunMade() throws Exception {
        String booted = "booted-" + UUID.randomUUID();
        Path image = new TestGuest().script("echo " + booted + "\nsleep 600").writeTo(tmp, "stopped");
        ProviderHarness harness = harness();
        CountDownLatch up = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread runner = new Thread(() -> {
            try {
                run(latched(harness, booted, up), image.toString(), withTimeout(disks("size=16M")));
            } catch (Throwable t) {
                thrown.set(t);
            }
        });

        runner.start();
        assertThat(up.await(180, TimeUnit.SECONDS)).as("the guest printed " + booted).isTrue();
        runner.interrupt();
        runner.join(30_000);

        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(qemuProcessesFor(tmp)).isEmpty();
        assertThat(tmp.resolve("stopped-state/disk.img")).doesNotExist();
        assertThat(tmp.resolve("stopped-state/kiln-run.properties")).doesNotExist();
        assertThat(harness.events().text()).contains("interrupted; stopped qemu; removed ")
                .contains("disk " + tmp.resolve("stopped-state/disk.img"))
                .contains("run-record " + tmp.resolve("stopped-state/kiln-run.properties"));
    }

    @Test
    void aCancelWhileTheGuestBootsStopsQemuAndLeavesNoFileItMade() throws Exception {
        String booting = "booting-" + UUID.randomUUID();
        Path image = new TestGuest().script("echo " + booting + "\nsleep 600")
                .writeTo(tmp, "cancelled");
        ProviderHarness harness = harness();
        CountDownLatch up = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread runner = new Thread(() -> {
            try {
                run(latched(harness, booting, up), image.toString(),
                        withTimeout(r -> userdata("cancel-me").apply(disks("size=16M").apply(r))));
            } catch (Throwable t) {
                thrown.set(t);
            }
        });

        runner.start();
        assertThat(up.await(180, TimeUnit.SECONDS)).as("the guest printed " + booting).isTrue();
        harness.cancel().cancel();
        runner.join(30_000);

        assertThat(runner.isAlive()).as("the run returned after the cancel").isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(qemuProcessesFor(tmp)).isEmpty();
        assertThat(tmp.resolve("cancelled-state/disk.img")).doesNotExist();
        assertThat(tmp.resolve("cancelled-state/seed.iso")).doesNotExist();
        assertThat(harness.events().text()).contains("interrupted; stopped qemu; removed ")
                .contains("disk " + tmp.resolve("cancelled-state/disk.img"))
                .contains("seed-iso " + tmp.resolve("cancelled-state/seed.iso"));
    }

    /** The harness's run context, with events that also open {@code latch} when a line contains {@code text}. */
    private static ProviderContext latched(ProviderHarness harness, String text, CountDownLatch latch) {
        Events watching = new Events(event -> {
            if (event instanceof Event.Log log && log.message().contains(text)) {
                latch.countDown();
            }
            harness.events().accept(event);
        }, "qemu");
        return harness.runContext().toBuilder().events(watching).build();
    }

    /** qemu processes whose command line mentions {@code dir}. */
    private static List<ProcessHandle> qemuProcessesFor(Path dir) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
                .map(c -> c.contains("qemu-system") && c.contains(dir.toString())).orElse(false)).toList();
    }

    private ProviderHarness harness() {
        return new ProviderHarness(new QemuProviderFactory(), tmp).flag("mem", "256");
    }

    /** Adds the boot tests' --timeout to what else the CLI would have put in the request. */
    private static UnaryOperator<RunRequest> withTimeout(UnaryOperator<RunRequest> shared) {
        return r -> shared.apply(lifecycle(null, false, TIMEOUT).apply(r));
    }

    /** A run with the boot tests' --timeout. */
    static RunResult run(ProviderHarness harness, String image) throws InterruptedException {
        return run(harness, image, lifecycle(null, false, TIMEOUT));
    }

    static RunResult run(ProviderHarness harness, String image, UnaryOperator<RunRequest> shared)
            throws InterruptedException {
        return run(harness.runContext(), image, shared);
    }

    static RunResult run(ProviderContext context, String image, UnaryOperator<RunRequest> shared)
            throws InterruptedException {
        try (Provider provider = new QemuProviderFactory().create(context)) {
            return provider.run(shared.apply(RunRequest.of(image, Path.of(image).getFileName().toString(), false)));
        }
    }

    /** Prints the boot time kiln reported, for bench/README.md. */
    static void record(ProviderHarness harness, String what) {
        harness.events().text().lines().filter(l -> l.contains("powered off after"))
                .forEach(l -> System.out.println("boot time, " + what + ": " + l));
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** GETs / on 127.0.0.1:port until the guest answers with a body, or the deadline passes. */
    private static String httpGet(int port, Duration patience) throws Exception {
        Instant deadline = Instant.now().plus(patience);
        while (Instant.now().isBefore(deadline)) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(5_000);
                OutputStream out = s.getOutputStream();
                out.write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String answer = readUntilClosedOrQuiet(s.getInputStream());
                if (answer.contains("200 OK")) {
                    return answer;
                }
            } catch (IOException e) {
                // not listening yet: slirp accepts, then drops the connection
            }
            Thread.sleep(500);
        }
        return "";
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /**
     * Everything the guest sent until it closed or went quiet: busybox nc may keep the connection
     * open after its one answer, and that answer must not be lost to the read timeout.
     */
    private static String readUntilClosedOrQuiet(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                got.write(buf, 0, n);
            }
        } catch (java.net.SocketTimeoutException quiet) {
            // keep what arrived
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    /** What qemu-img info says a disk is. */
    record QemuImgInfo(String format, long virtualSize) {
        static QemuImgInfo of(Path disk) throws Exception {
            Process p = HostTools.command("qemu-img", "info", "--output=json", disk.toString()).start();
            String json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return new QemuImgInfo(field(json, "\"format\": \"", "\""),
                    Long.parseLong(field(json, "\"virtual-size\": ", ",")));
        }

        private static String field(String json, String start, String end) {
            int at = json.indexOf(start) + start.length();
            return json.substring(at, json.indexOf(end, at)).trim();
        }
    }
}
