package dev.kiln.qemu;

import dev.kiln.api.BootMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Boot modes read from layouts made by sgdisk, sfdisk and xorriso, the tools kiln's layouts are checked against. */
class BootSectorsTest {

    @TempDir
    Path tmp;

    private Path blank(String name) throws IOException {
        Path disk = tmp.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(8L << 20);
        }
        return disk;
    }

    private static Set<BootMode> disk(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return BootSectors.ofDisk(ch);
        }
    }

    private static Set<BootMode> cd(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return BootSectors.ofCd(ch);
        }
    }

    @Test
    void aGptDiskWithAnEspAndAProtectiveMbrBootsOnlyWithUefi() throws Exception {
        Path disk = blank("esp.img");
        TestDisks.exec("sgdisk", "--new=1:2048:0", "--typecode=1:ef00", disk.toString());

        assertThat(disk(disk)).containsExactly(BootMode.UEFI);
    }

    @Test
    void aGptDiskWithoutAnEspBootsWithNeither() throws Exception {
        Path disk = blank("linux.img");
        TestDisks.exec("sgdisk", "--new=1:2048:0", "--typecode=1:8300", disk.toString());

        assertThat(disk(disk)).isEmpty();
    }

    @Test
    void anMbrEspPartitionCountsAsUefiAndBootCodeAsBios() throws Exception {
        Path disk = blank("mbr.img");
        TestDisks.exec("sh", "-c", "echo 'start=2048, type=ef' | sfdisk -q " + disk);
        assertThat(disk(disk)).containsExactly(BootMode.UEFI);

        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.write(Files.readAllBytes(Path.of("/usr/lib/syslinux/mbr/mbr.bin")));
        }
        assertThat(disk(disk)).containsExactlyInAnyOrder(BootMode.BIOS, BootMode.UEFI);
    }

    @Test
    void anUnpartitionedBlankDiskBootsWithNeither() throws Exception {
        assertThat(disk(blank("blank.img"))).isEmpty();
    }

    @Test
    void anIsolinuxCdBootsWithBiosAndItsIsohybridMbrToo() throws Exception {
        Path guest = new TestGuest().writeTo(tmp, "g");
        Path iso = TestDisks.isohybrid(guest, tmp.resolve("hybrid.iso"));

        assertThat(cd(iso)).containsExactly(BootMode.BIOS);
        assertThat(disk(iso)).containsExactly(BootMode.BIOS);
    }

    @Test
    void anElToritoCatalogWithAnEfiEntryBootsWithUefi() throws Exception {
        Path tree = Files.createDirectories(tmp.resolve("tree"));
        Path efi = blank("efiboot.img");
        TestDisks.exec("mformat", "-i", efi.toString(), "::");
        Files.copy(efi, tree.resolve("efiboot.img"));
        Path iso = tmp.resolve("efi.iso");
        TestDisks.exec("xorriso", "-as", "mkisofs", "-quiet", "-R", "-o", iso.toString(), "-e", "efiboot.img",
                "-no-emul-boot", tree.toString());

        assertThat(cd(iso)).containsExactly(BootMode.UEFI);
    }
}
