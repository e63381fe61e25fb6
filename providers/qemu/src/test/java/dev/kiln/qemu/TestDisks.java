package dev.kiln.qemu;

import dev.kiln.testing.HostTools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Bootable test images made with the host's tools (oracles, not kiln's writers): an isohybrid
 * ISOLINUX ISO with xorriso, which boots under BIOS as a CD and as a disk, and a GPT disk whose EFI
 * System Partition holds systemd-boot, which boots under UEFI only. Both boot a {@link TestGuest}.
 */
final class TestDisks {

    private static final Path ISOLINUX = Path.of("/usr/lib/ISOLINUX");
    private static final Path LDLINUX = Path.of("/usr/lib/syslinux/modules/bios/ldlinux.c32");
    private static final Path SYSTEMD_BOOT = Path.of("/usr/lib/systemd/boot/efi/systemd-bootx64.efi");
    private static final String PARTITION = "@@1M";

    private TestDisks() {
    }

    /** An isohybrid ISO (El Torito BIOS entry and MBR boot code) booting {@code guest}. */
    static Path isohybrid(Path guest, Path out) throws IOException, InterruptedException {
        Path tree = Files.createDirectories(out.resolveSibling(out.getFileName() + ".tree").resolve("isolinux"));
        Files.copy(ISOLINUX.resolve("isolinux.bin"), tree.resolve("isolinux.bin"));
        Files.copy(LDLINUX, tree.resolve("ldlinux.c32"));
        Files.copy(Path.of(guest + "-kernel"), tree.resolveSibling("kernel"));
        Files.copy(Path.of(guest + "-initrd.img"), tree.resolveSibling("initrd.img"));
        Files.writeString(tree.resolve("isolinux.cfg"), "DEFAULT linux\nPROMPT 0\nTIMEOUT 0\nLABEL linux\n"
                + "  KERNEL /kernel\n  APPEND initrd=/initrd.img " + TestGuest.CMDLINE + "\n");
        exec("xorriso", "-as", "mkisofs", "-quiet", "-R", "-o", out.toString(), "-b", "isolinux/isolinux.bin",
                "-c", "isolinux/boot.cat", "-no-emul-boot", "-boot-load-size", "4", "-boot-info-table",
                "-isohybrid-mbr", ISOLINUX.resolve("isohdpfx.bin").toString(), tree.getParent().toString());
        return out;
    }

    /** A 48 MiB raw GPT disk with one EFI System Partition: systemd-boot, the kernel and the initrd. */
    static Path espDisk(Path guest, Path out) throws IOException, InterruptedException {
        try (var f = new java.io.RandomAccessFile(out.toFile(), "rw")) {
            f.setLength(48L << 20);
        }
        exec("sgdisk", "--new=1:2048:0", "--typecode=1:ef00", out.toString());
        String fat = out + PARTITION;
        exec("mformat", "-i", fat, "::");
        exec("mmd", "-i", fat, "::/EFI", "::/EFI/BOOT", "::/loader", "::/loader/entries");
        Path loader = write(out, "loader.conf", "default guest.conf\ntimeout 0\n");
        Path entry = write(out, "guest.conf", "title guest\nlinux /vmlinuz\ninitrd /initrd.img\noptions "
                + TestGuest.CMDLINE + "\n");
        exec("mcopy", "-i", fat, SYSTEMD_BOOT.toString(), "::/EFI/BOOT/BOOTX64.EFI");
        exec("mcopy", "-i", fat, guest + "-kernel", "::/vmlinuz");
        exec("mcopy", "-i", fat, guest + "-initrd.img", "::/initrd.img");
        exec("mcopy", "-i", fat, loader.toString(), "::/loader/loader.conf");
        exec("mcopy", "-i", fat, entry.toString(), "::/loader/entries/guest.conf");
        return out;
    }

    /** {@code qemu-img convert} of a raw image to another format (qcow2, vpc, vmdk). */
    static Path convert(Path raw, String format, Path out) throws IOException, InterruptedException {
        exec("qemu-img", "convert", "-f", "raw", "-O", format, raw.toString(), out.toString());
        return out;
    }

    private static Path write(Path beside, String name, String content) throws IOException {
        Path file = beside.resolveSibling(beside.getFileName() + "." + name);
        Files.writeString(file, content, StandardCharsets.US_ASCII);
        return file;
    }

    static void exec(String... command) throws IOException, InterruptedException {
        Process p = HostTools.command(List.of(command)).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
