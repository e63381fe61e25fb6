package dev.kiln.build;

import dev.kiln.boot.*;

import dev.kiln.boot.BootFiles;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.disk.compress.BlockCompressor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Structures of the written layouts, checked by sgdisk, sfdisk, fsck.vfat, xorriso and isoinfo. */
class BootLayoutsTest {

    @TempDir
    Path dir;
    private byte[] kernel;
    private byte[] initrd;

    @BeforeEach
    void kernelAndInitrd() throws Exception {
        kernel = random(3_000_001, 1);
        initrd = random(1_000_003, 2);
        Files.write(dir.resolve("kernel"), kernel);
        Files.write(dir.resolve("initrd"), initrd);
    }

    private BootFiles files(String name, OptionalLong size) {
        return files(name, size, dir);
    }

    private BootFiles files(String name, OptionalLong size, Path out) {
        return files(name, size, out, Bootloaders.host());
    }

    private BootFiles files(String name, OptionalLong size, Path out, Bootloaders loaders) {
        return new BootFiles(name, out, dir.resolve("rootfs.tar"), dir.resolve("kernel"), dir.resolve("initrd"),
                "console=ttyS0 quiet", Optional.empty(), "amd64", "sha256:0123456789abcdef", size, loaders,
                Events.none());
    }

    private Path write(Format format) throws Exception {
        return write(format, "hello", OptionalLong.empty());
    }

    private Path write(Format format, String name, OptionalLong size) throws Exception {
        return new BootLayouts().write(format, files(name, size)).get(0).path();
    }

    @Test
    void rawEfiIsAGptDiskWhoseEspPassesFsckAndHoldsTheUki() throws Exception {
        Path img = write(Format.RAW_EFI);

        assertThat(img.getFileName().toString()).isEqualTo("hello-efi.img");
        assertThat(Tools.ok("sgdisk", "-v", img.toString())).contains("No problems found");
        String dump = Tools.ok("sfdisk", "--dump", img.toString());
        assertThat(dump).contains("label: gpt").contains("start=        2048")
                .contains("type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
        Path esp = extract(img, 2048, espSectors(dump));
        Tools.ok("fsck.vfat", "-n", esp.toString());
        Path uki = dir.resolve("BOOTX64.EFI");
        Tools.ok("mcopy", "-n", "-i", esp.toString(), "::/EFI/BOOT/BOOTX64.EFI", uki.toString());
        assertThat(Tools.ok("objdump", "-h", uki.toString())).contains(".osrel", ".cmdline", ".linux", ".initrd");
        assertThat(Files.size(img) % (1 << 20)).isZero();
    }

    @Test
    void hybridDiskHasAValidGptBothElToritoEntriesAndSharesTheKernelWithTheUki() throws Exception {
        Path img = write(Format.AWS);

        assertThat(Files.size(img)).isEqualTo(1L << 30);
        assertThat(Tools.ok("sgdisk", "-v", img.toString())).contains("No problems found");
        String torito = Tools.ok("xorriso", "-indev", img.toString(), "-report_el_torito", "plain");
        assertThat(torito).containsPattern("boot img :\\s+1\\s+BIOS\\s+y\\s+none")
                .containsPattern("boot img :\\s+2\\s+UEFI\\s+y\\s+none")
                .contains("/isolinux/isolinux.bin").contains("boot-info-table isohybrid-suitable");
        assertThat(extractIso(img, "/kernel")).isEqualTo(kernel);
        assertThat(extractIso(img, "/initrd.img")).isEqualTo(initrd);
        String dump = Tools.ok("sfdisk", "--dump", img.toString());
        Path esp = extract(img, espStart(dump), espSectors(dump));
        Tools.ok("fsck.vfat", "-n", esp.toString());
        assertThat(Files.size(img.resolveSibling("hello.raw"))).isEqualTo(1L << 30);
    }

    @Test
    void isoBiosIsIsohybridWithAnActivePartitionFromSectorZero() throws Exception {
        Path iso = write(Format.ISO_BIOS);

        String dump = Tools.ok("sfdisk", "--dump", iso.toString());
        assertThat(dump).contains("label: dos").containsPattern("start=\\s+0, size=\\s+\\d+, type=17, bootable");
        assertThat(Tools.ok("isoinfo", "-d", "-i", iso.toString())).contains("Volume id: KILN_01234567")
                .contains("Rock Ridge signatures version 1 found");
        assertThat(Tools.ok("isoinfo", "-R", "-f", "-i", iso.toString()).lines())
                .contains("/kernel", "/initrd.img", "/isolinux/isolinux.bin", "/isolinux/ldlinux.c32", "/isolinux/isolinux.cfg");
        assertThat(new String(extractIso(iso, "/isolinux/isolinux.cfg")))
                .contains("KERNEL /kernel", "APPEND initrd=/initrd.img console=ttyS0 quiet");
        assertThat(extractIso(iso, "/kernel")).isEqualTo(kernel);
    }

    @Test
    void isoEfiHasOnlyAUefiEntryAndAnEspPartitionForDiskBoot() throws Exception {
        Path iso = write(Format.ISO_EFI);

        String torito = Tools.ok("xorriso", "-indev", iso.toString(), "-report_el_torito", "plain");
        assertThat(torito).containsPattern("boot img :\\s+1\\s+UEFI\\s+y\\s+none").doesNotContain("BIOS  y");
        assertThat(Tools.ok("sfdisk", "--dump", iso.toString())).containsPattern("type=ef");
        assertThat(Tools.ok("isoinfo", "-R", "-f", "-i", iso.toString()).lines()).containsExactly("/efi.img");
    }

    @Test
    void sameBuildGivesSameBytes() throws Exception {
        for (Format f : List.of(Format.RAW_EFI, Format.AWS, Format.ISO_BIOS)) {
            Path a = new BootLayouts().write(f, files("same", OptionalLong.empty(), Files.createDirectories(dir.resolve("a"))))
                    .get(0).path();
            Path b = new BootLayouts().write(f, files("same", OptionalLong.empty(), Files.createDirectories(dir.resolve("b"))))
                    .get(0).path();
            assertThat(dev.kiln.core.Digests.sha256Hex(a)).as(f.id()).isEqualTo(dev.kiln.core.Digests.sha256Hex(b));
        }
    }

    @Test
    void sizeSetsTheDiskSizeAndTooSmallASizeIsAUsageError() throws Exception {
        Path img = write(Format.AWS, "big", OptionalLong.of(2L << 30));
        assertThat(Files.size(img)).isEqualTo(2L << 30);
        assertThat(Tools.ok("sgdisk", "-v", img.toString())).contains("No problems found");

        assertThatThrownBy(() -> write(Format.RAW_EFI, "tiny", OptionalLong.of(1 << 20)))
                .isInstanceOf(KilnException.class).hasMessageContaining("--size").hasMessageContaining("too small");
    }

    @Test
    void rawEfiIsUefiOnlySoItsEspIsNotMarkedLegacyBiosBootable() throws Exception {
        Path img = write(Format.RAW_EFI);

        assertThat(Tools.ok("sgdisk", "-i", "1", img.toString())).contains("Attribute flags: 0000000000000000");
    }

    @Test
    void awsAndGcpRoundASizeBetweenGibUpAndKeepTheirGptAtTheEnd() throws Exception {
        OptionalLong size = OptionalLong.of(1500L << 20);
        Path aws = write(Format.AWS, "mid", size);
        Path gcp = write(Format.GCP, "mid", size);
        Path x = Files.createDirectories(dir.resolve("x"));
        Tools.ok("tar", "-xSzf", gcp.toString(), "-C", x.toString());
        Path diskRaw = x.resolve("disk.raw");

        for (Path disk : List.of(aws, diskRaw)) {
            assertThat(Files.size(disk)).as(disk.toString()).isEqualTo(2L << 30);
            assertThat(Tools.ok("sgdisk", "-v", disk.toString())).contains("No problems found");
            Tools.Result v = Tools.run("sfdisk", "-V", disk.toString());
            assertThat(v.exit()).as(v.out()).isZero();
            assertThat(v.out()).doesNotContain("mismatch").doesNotContain("not on the end");
        }
    }

    @Test
    void everyFormatOfTheHybridDiskCarriesOneDigestWithOrWithoutLibdeflate() throws Exception {
        List<Format> formats = List.of(Format.AWS, Format.QCOW2_BIOS, Format.GCP, Format.VHD, Format.DYNAMIC_VHD,
                Format.VMDK, Format.OVA);
        Set<String> digests = new HashSet<>();
        for (String nolibdeflate : List.of("true", "false")) {
            String before = System.setProperty(BlockCompressor.DISABLE, nolibdeflate);
            try {
                Path out = Files.createDirectories(dir.resolve("nolibdeflate-" + nolibdeflate));
                for (Format f : formats) {
                    Path file = new BootLayouts().write(f, files("one", OptionalLong.empty(), out)).get(0).path();
                    digests.add(ContentDigest.of(file, f));
                }
            } finally {
                restore(before);
            }
        }

        assertThat(digests).singleElement().asString().startsWith("blocks-sha256:");
    }

    private static void restore(String before) {
        if (before == null) {
            System.clearProperty(BlockCompressor.DISABLE);
        } else {
            System.setProperty(BlockCompressor.DISABLE, before);
        }
    }

    @Test
    void missingBootloaderNamesTheDebianPackage() {
        BootLayouts layouts = new BootLayouts();
        BootFiles none = files("x", OptionalLong.empty(), dir, new Bootloaders(List.of(dir)));

        assertThatThrownBy(() -> layouts.write(Format.RAW_EFI, none))
                .isInstanceOf(KilnException.class).hasMessageContaining("apt-get install systemd-boot-efi")
                .hasMessageContaining("--bootloaders DIR|IMAGE or KILN_BOOTLOADERS");
        assertThatThrownBy(() -> layouts.write(Format.ISO_BIOS, none))
                .isInstanceOf(KilnException.class).hasMessageContaining("apt-get install isolinux syslinux-common");
    }

    private byte[] extractIso(Path iso, String path) throws Exception {
        Path out = dir.resolve("extracted" + path.replace('/', '_'));
        Files.deleteIfExists(out);
        Tools.ok("xorriso", "-osirrox", "on", "-indev", iso.toString(), "-extract", path, out.toString());
        return Files.readAllBytes(out);
    }

    private Path extract(Path img, long startSector, long sectors) throws Exception {
        Path out = dir.resolve("part-" + startSector + ".img");
        Tools.ok("dd", "if=" + img, "of=" + out, "bs=512", "skip=" + startSector, "count=" + sectors, "status=none");
        return out;
    }

    private static long espStart(String dump) {
        return field(dump, "start=");
    }

    private static long espSectors(String dump) {
        return field(dump, "size=");
    }

    private static long field(String dump, String key) {
        String line = dump.lines().filter(l -> l.contains(key)).findFirst().orElseThrow();
        String rest = line.substring(line.indexOf(key) + key.length()).trim();
        return Long.parseLong(rest.substring(0, rest.indexOf(',')).trim());
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
