package dev.kiln.cli;

import dev.kiln.api.Artifact;
import dev.kiln.build.BuildRecord;
import dev.kiln.testing.HostTools;
import dev.kiln.testing.KernelInitrdGuest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The iPXE path end to end through the command line: {@code kiln serve DIR} on loopback serves what
 * {@code kiln push packet BUILD --destination DIR} wrote, and qemu's own iPXE ROM (Debian's ipxe-qemu), told the
 * script URL by slirp's DHCP (10.0.2.2 is this host's loopback), boots the kernel and initrd to the guest's per-run
 * marker under SeaBIOS and under OVMF. Needs the packet provider staged in target/providers (its package phase).
 */
class IpxeServeIT {

    private static final Path EFI_ROM = Path.of("/usr/lib/ipxe/qemu/efi-virtio.rom");
    private static final Path OVMF_CODE = Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd");
    private static final Path OVMF_VARS = Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd");

    @TempDir
    Path tmp;

    @Test
    void kilnServeServesWhatPushPacketWroteAndItBootsUnderSeaBios() throws Exception {
        boot(false);
    }

    @Test
    void kilnServeServesWhatPushPacketWroteAndItBootsUnderOvmf() throws Exception {
        assumeTrue(Files.isRegularFile(OVMF_CODE), "OVMF is missing: install the Debian package ovmf");
        boot(true);
    }

    private void boot(boolean uefi) throws Exception {
        HostTools.require("qemu-system-x86_64");
        assumeTrue(Files.isRegularFile(EFI_ROM), "qemu's iPXE ROM is missing: install the Debian package ipxe-qemu");
        String marker = "ipxe-serve-marker-" + UUID.randomUUID();
        Path build = Files.createDirectories(tmp.resolve("build"));
        Path www = Files.createDirectories(tmp.resolve("www"));
        Artifact artifact = KernelInitrdGuest.write(build, "hello", marker);
        Path record = new BuildRecord("hello", "amd64", "sha256:" + "ef".repeat(32), List.of(artifact)).write(build);

        Serving serve = Serving.start(www);
        try {
            String base = "http://10.0.2.2:" + serve.port;
            CliRun push = CliRun.run("push", "packet", record.toString(), "--destination", www.toString(),
                    "--base-url", base, "--kernel-console", "ttyS0");
            assertThat(push.exitCode()).as(push.stderr()).isZero();
            assertThat(push.stdout()).contains(base + "/hello-equinixmetal.ipxe");

            String console = qemu(base + "/hello-equinixmetal.ipxe", uefi);

            assertThat(console).as(console).contains(marker).contains("initrd=initrd ip=dhcp nomodeset ro "
                    + "console=ttyS0 " + KernelInitrdGuest.CMDLINE);
        } finally {
            serve.stop();
        }
        assertThat(serve.exit.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(serve.err.toString(StandardCharsets.UTF_8)).as("kiln serve's access log")
                .contains("\"GET /hello-equinixmetal.ipxe\" 200", "\"GET /hello-initrd.img\" 200",
                        "\"GET /hello-kernel\" 200", "stopped serving");
    }

    /** {@code kiln serve DIR --listen 127.0.0.1:0} on a thread of its own, stopped as Ctrl-C stops it. */
    private static final class Serving {
        final Stderr err = new Stderr();
        final CompletableFuture<Integer> exit = new CompletableFuture<>();
        final CompletableFuture<Interrupts> interrupts = new CompletableFuture<>();
        int port;

        static Serving start(Path dir) throws Exception {
            Serving s = new Serving();
            Thread worker = new Thread(() -> {
                try {
                    Session session = Session.of(new ByteArrayOutputStream(), s.err, Map.of("TERM", "dumb"),
                            s.interrupts.get());
                    s.exit.complete(Kiln.execute(new String[] {"serve", dir.toString(), "--listen", "127.0.0.1:0"},
                            session));
                } catch (Exception e) {
                    s.exit.completeExceptionally(e);
                }
            });
            s.interrupts.complete(new Interrupts(worker));
            worker.start();
            assertThat(s.err.serving.await(60, TimeUnit.SECONDS)).as("kiln serve started: %s", s.err).isTrue();
            Matcher m = Pattern.compile("at http://127\\.0\\.0\\.1:(\\d+)/").matcher(s.err.toString(StandardCharsets.UTF_8));
            assertThat(m.find()).isTrue();
            s.port = Integer.parseInt(m.group(1));
            return s;
        }

        void stop() throws Exception {
            interrupts.get().onSignal(new PrintStream(new ByteArrayOutputStream()), code -> { });
        }
    }

    /** stderr that opens a latch once the server says where it listens. */
    private static final class Stderr extends ByteArrayOutputStream {
        final CountDownLatch serving = new CountDownLatch(1);

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            super.write(b, off, len);
            if (toString(StandardCharsets.UTF_8).contains("(Ctrl-C stops)")) {
                serving.countDown();
            }
        }
    }

    /** Boots qemu from the script URL to the guest's power-off (3 minutes at most); returns the serial console. */
    private String qemu(String script, boolean uefi) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64", "-machine", "q35,accel=tcg", "-m", "512",
                "-nographic", "-no-reboot", "-netdev", "user,id=n0,bootfile=" + script,
                "-device", "virtio-net-pci,netdev=n0,bootindex=1" + (uefi ? ",romfile=" + EFI_ROM : "")));
        if (uefi) {
            Path vars = Files.copy(OVMF_VARS, tmp.resolve("vars.fd"));
            cmd.addAll(List.of("-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + OVMF_CODE,
                    "-drive", "if=pflash,format=raw,unit=1,file=" + vars));
        }
        long start = System.nanoTime();
        String console = HostTools.runForOutput(cmd, java.time.Duration.ofMinutes(3));
        System.out.printf("iPXE boot through kiln serve under %s: %.1f s%n", uefi ? "OVMF" : "SeaBIOS",
                (System.nanoTime() - start) / 1e9);
        return console;
    }
}
