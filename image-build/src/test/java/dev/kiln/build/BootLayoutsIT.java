package dev.kiln.build;

import dev.kiln.boot.*;

import dev.kiln.testing.HostKernel;
import dev.kiln.boot.QemuBoot.Firmware;
import dev.kiln.boot.QemuBoot.Media;
import dev.kiln.build.Artifact;
import dev.kiln.boot.BootFiles;
import dev.kiln.build.Format;
import dev.kiln.api.Events;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every bootable format boots under qemu (TCG): BIOS formats with SeaBIOS, EFI formats with OVMF,
 * hybrid formats with both, and the guest prints a marker made for this run.
 */
@Tag("boot")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BootLayoutsIT {

    private final String marker = "KILN-BOOT-" + UUID.randomUUID();
    private final Map<Format, Path> built = new EnumMap<>(Format.class);
    private Path dir;
    private BootFiles files;

    @BeforeAll
    void buildInitrd() throws IOException {
        dir = Files.createTempDirectory("kiln-boot-it");
        Path initrd = dir.resolve("initrd.img");
        TestInitrd.write(initrd, marker);
        files = new BootFiles("hello", dir, dir.resolve("rootfs.tar"), kernel(), initrd,
                "console=ttyS0 panic=-1 no_timer_check quiet", Optional.empty(), "amd64",
                "sha256:" + dev.kiln.core.Digests.sha256Hex(marker.getBytes(StandardCharsets.UTF_8)),
                OptionalLong.empty(), Bootloaders.host(), Events.none());
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(Format.RAW_EFI, "raw", Media.DISK, Firmware.OVMF),
                Arguments.of(Format.AWS, "raw", Media.DISK, Firmware.SEABIOS),
                Arguments.of(Format.AWS, "raw", Media.DISK, Firmware.OVMF),
                Arguments.of(Format.ISO_BIOS, "raw", Media.CDROM, Firmware.SEABIOS),
                Arguments.of(Format.ISO_BIOS, "raw", Media.DISK, Firmware.SEABIOS),
                Arguments.of(Format.ISO_EFI, "raw", Media.CDROM, Firmware.OVMF),
                Arguments.of(Format.ISO_EFI_INITRD, "raw", Media.CDROM, Firmware.OVMF),
                Arguments.of(Format.RAW_BIOS, "raw", Media.DISK, Firmware.SEABIOS),
                Arguments.of(Format.QCOW2_EFI, "qcow2", Media.DISK, Firmware.OVMF),
                Arguments.of(Format.QCOW2_BIOS, "qcow2", Media.DISK, Firmware.SEABIOS),
                Arguments.of(Format.QCOW2_BIOS, "qcow2", Media.DISK, Firmware.OVMF),
                Arguments.of(Format.VHD, "vpc", Media.DISK, Firmware.SEABIOS),
                Arguments.of(Format.VHD, "vpc", Media.DISK, Firmware.OVMF),
                Arguments.of(Format.DYNAMIC_VHD, "vpc", Media.DISK, Firmware.SEABIOS),
                Arguments.of(Format.DYNAMIC_VHD, "vpc", Media.DISK, Firmware.OVMF),
                Arguments.of(Format.VMDK, "vmdk", Media.DISK, Firmware.SEABIOS),
                Arguments.of(Format.VMDK, "vmdk", Media.DISK, Firmware.OVMF),
                Arguments.of(Format.GCP, "raw", Media.DISK, Firmware.SEABIOS),
                Arguments.of(Format.GCP, "raw", Media.DISK, Firmware.OVMF),
                Arguments.of(Format.OVA, "vmdk", Media.DISK, Firmware.SEABIOS),
                Arguments.of(Format.OVA, "vmdk", Media.DISK, Firmware.OVMF));
    }

    @ParameterizedTest(name = "{0} boots as {2} with {3}")
    @MethodSource("cases")
    void formatBootsToTheMarker(Format format, String qemuFormat, Media media, Firmware firmware) throws Exception {
        Path image = diskOf(format);

        QemuBoot.Outcome outcome = QemuBoot.boot(image, qemuFormat, media, firmware, marker, dir);

        Files.writeString(Path.of("target", "boot-times.txt"), String.format("%-15s %-6s %-8s %6d ms %s%n", format,
                media, firmware, outcome.millis(), outcome.sawMarker() ? "marker" : "NO MARKER"),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        assertThat(outcome.sawMarker()).as("console of %s:%n%s", format, tail(outcome.console())).isTrue();
    }

    /** The image file qemu reads: the artifact itself, or the disk.raw inside a GCP tarball, or the VMDK in an OVA. */
    private Path diskOf(Format format) throws IOException, InterruptedException {
        Path artifact = built.computeIfAbsent(format, f -> {
            try {
                List<Artifact> written = new BootLayouts().write(f, files);
                return written.get(0).path();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        if (format == Format.GCP || format == Format.OVA) {
            Path unpacked = Files.createDirectories(dir.resolve(format.id()));
            Tools.ok("tar", "-xSf", artifact.toString(), "-C", unpacked.toString());
            try (Stream<Path> s = Files.list(unpacked)) {
                return s.filter(p -> p.toString().endsWith(".raw") || p.toString().endsWith(".vmdk")).findFirst()
                        .orElseThrow();
            }
        }
        return artifact;
    }

    private static Path kernel() throws IOException {
        return HostKernel.path();
    }

    private static String tail(String console) {
        return console.length() <= 3000 ? console : console.substring(console.length() - 3000);
    }
}
