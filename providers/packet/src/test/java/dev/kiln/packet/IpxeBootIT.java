package dev.kiln.packet;

import dev.kiln.api.Architecture;
import dev.kiln.api.Artifact;
import dev.kiln.api.BootMode;
import dev.kiln.api.PublishPolicy;
import dev.kiln.spi.FileServer;
import dev.kiln.spi.Provider;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.testing.HostTools;
import dev.kiln.testing.KernelInitrdGuest;
import dev.kiln.testkit.ProviderHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The published script booted the way a PXE fleet boots it: qemu's own iPXE ROM (Debian's ipxe-qemu) gets the
 * script URL from DHCP (slirp's bootfile; 10.0.2.2 is this host's loopback), fetches it from kiln's file server
 * ({@link FileServer}, what {@code kiln serve} and {@code run packet --serve} run) on loopback over what
 * {@code push packet --destination DIR} wrote, and boots the kernel and initrd to the guest's
 * per-run marker, under SeaBIOS and under OVMF. TCG; each boot took 15-40 s here (printed, never asserted).
 */
class IpxeBootIT {

    private static final Path EFI_ROM = Path.of("/usr/lib/ipxe/qemu/efi-virtio.rom");
    private static final Path OVMF_CODE = Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd");
    private static final Path OVMF_VARS = Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd");

    @TempDir
    Path tmp;

    @Test
    void theScriptBootsTheKernelAndInitrdUnderSeaBios() throws Exception {
        boot(false, false);
    }

    /** Under UEFI LinuxKit's script shape panics; this one, with an initrd published gunzipped, reaches the marker. */
    @Test
    void theScriptBootsTheDecompressedInitrdUnderOvmf() throws Exception {
        assumeTrue(Files.isRegularFile(OVMF_CODE), "OVMF is missing: install the Debian package ovmf");
        boot(true, true);
    }

    private void boot(boolean uefi, boolean decompress) throws Exception {
        HostTools.require("qemu-system-x86_64");
        assumeTrue(Files.isRegularFile(EFI_ROM), "qemu's iPXE ROM is missing: install the Debian package ipxe-qemu");
        String marker = "ipxe-marker-" + UUID.randomUUID();
        Path build = Files.createDirectories(tmp.resolve("build"));
        Path www = Files.createDirectories(tmp.resolve("www"));
        Artifact artifact = KernelInitrdGuest.write(build, "hello", marker);
        List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.regex.Pattern line = java.util.regex.Pattern.compile("\"(\\S+ \\S+)\" \\d+");
        try (FileServer server = FileServer.start(www, "127.0.0.1:0", l -> {
            java.util.regex.Matcher m = line.matcher(l);
            if (m.find()) {
                requests.add(m.group(1));
            }
        })) {
            ProviderHarness harness = new ProviderHarness(new PacketProviderFactory(), tmp)
                    .flag("destination", www.toString()).flag("base-url", "http://10.0.2.2:" + server.port())
                    .flag("kernel-console", "ttyS0");
            if (decompress) {
                harness.flag("decompress", "true");
            }
            PushResult pushed;
            try (Provider p = new PacketProviderFactory().create(harness.pushContext())) {
                pushed = p.push(new PushRequest(artifact, "hello", Architecture.AMD64, Set.of(BootMode.BIOS, BootMode.UEFI),
                        "sha256:" + "cd".repeat(32), PublishPolicy.DEFAULT, false));
            }
            assertThat(pushed.artifactId()).isEqualTo("http://10.0.2.2:" + server.port() + "/hello-equinixmetal.ipxe");

            List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64", "-machine", "q35,accel=tcg", "-m", "512",
                    "-nographic", "-no-reboot", "-netdev", "user,id=n0,bootfile=" + pushed.artifactId(),
                    "-device", "virtio-net-pci,netdev=n0,bootindex=1" + (uefi ? ",romfile=" + EFI_ROM : "")));
            if (uefi) {
                Path vars = Files.copy(OVMF_VARS, tmp.resolve("vars.fd"));
                cmd.addAll(List.of("-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + OVMF_CODE,
                        "-drive", "if=pflash,format=raw,unit=1,file=" + vars));
            }
            long start = System.nanoTime();
            String console = run(cmd);
            System.out.printf("iPXE boot under %s: %.1f s%n", uefi ? "OVMF" : "SeaBIOS", (System.nanoTime() - start) / 1e9);

            // iPXE's BIOS build puts the image name first (CMDLINE hello-kernel initrd=...), its EFI build does not
            assertThat(console).as(console).contains(marker).contains("initrd=initrd ip=dhcp nomodeset ro "
                    + "console=ttyS0 " + KernelInitrdGuest.CMDLINE);
            assertThat(requests).as("what iPXE fetched").containsSubsequence("GET /hello-equinixmetal.ipxe",
                    "GET /hello-initrd.img", "GET /hello-kernel");
        }
    }

    /** Runs qemu to the guest's power-off (3 minutes at most), returning the serial console. */
    private String run(List<String> cmd) throws IOException, InterruptedException {
        return HostTools.runForOutput(cmd, java.time.Duration.ofMinutes(3));
    }
}
