package dev.kiln.boot;

import dev.kiln.core.KilnException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the boot loader binaries kiln places in images, offline: under each root in turn (a
 * directory named by {@code KILN_BOOTLOADERS}, such as an unpacked image holding Debian's
 * packages, or the files themselves side by side; then the host's {@code /}), at the paths
 * Debian, Fedora and Arch install them. ISOLINUX and its module come from the same root, as
 * ldlinux.c32 must match the isolinux.bin that loads it.
 */
public final class Bootloaders {

    /** Environment variable naming a directory searched before the host. */
    public static final String ENV = "KILN_BOOTLOADERS";

    private static final int ISOLINUX_HYBRID_MAGIC = 0x7078c0fb;

    private final List<Path> roots;

    public Bootloaders(List<Path> roots) {
        this.roots = List.copyOf(roots);
    }

    /** {@code $KILN_BOOTLOADERS} when set, then the host's root. */
    public static Bootloaders standard() {
        List<Path> roots = new ArrayList<>();
        Optional.ofNullable(System.getenv(ENV)).filter(s -> !s.isBlank()).map(Path::of).ifPresent(roots::add);
        roots.add(Path.of("/"));
        return new Bootloaders(roots);
    }

    /** systemd's EFI stub for unified kernel images. */
    public byte[] efiStub() {
        return read(find("the systemd EFI stub", "systemd-boot-efi", List.of(
                "usr/lib/systemd/boot/efi/linuxx64.efi.stub", "linuxx64.efi.stub")));
    }

    /** ISOLINUX, checked to be a build that carries the isohybrid entry point. */
    public byte[] isolinux() {
        byte[] bin = read(isolinuxRootFile("isolinux.bin"));
        if (bin.length < 0x44 || ByteBuffer.wrap(bin).order(ByteOrder.LITTLE_ENDIAN).getInt(0x40) != ISOLINUX_HYBRID_MAGIC) {
            throw KilnException.tried("use isolinux.bin", "it has no isohybrid signature (syslinux 4 or later has one)",
                    "install Debian's isolinux package or point " + ENV + " at a newer copy");
        }
        return bin;
    }

    /** ldlinux.c32, the core module isolinux.bin loads from its own directory. */
    public byte[] ldlinux() {
        return read(isolinuxRootFile("ldlinux.c32"));
    }

    /** The MBR boot code for isohybrid images (isohdpfx.bin), which loads isolinux.bin from a disk. */
    public byte[] isohybridMbr() {
        byte[] mbr = read(isolinuxRootFile("isohdpfx.bin"));
        if (mbr.length < 432) {
            throw KilnException.tried("use isohdpfx.bin", "it is " + mbr.length + " bytes, not 432 or 512",
                    "reinstall Debian's isolinux package");
        }
        return mbr;
    }

    private Path isolinuxRootFile(String name) {
        List<String> bin = List.of("usr/lib/ISOLINUX/isolinux.bin", "usr/share/syslinux/isolinux.bin",
                "usr/lib/syslinux/bios/isolinux.bin", "isolinux.bin");
        Path isolinux = find("ISOLINUX", "isolinux syslinux-common", bin);
        Path root = rootOf(isolinux, bin);
        List<String> candidates = switch (name) {
            case "ldlinux.c32" -> List.of("usr/lib/syslinux/modules/bios/ldlinux.c32", "usr/share/syslinux/ldlinux.c32",
                    "usr/lib/syslinux/bios/ldlinux.c32", "ldlinux.c32");
            case "isohdpfx.bin" -> List.of("usr/lib/ISOLINUX/isohdpfx.bin", "usr/share/syslinux/isohdpfx.bin",
                    "usr/lib/syslinux/bios/isohdpfx.bin", "isohdpfx.bin");
            default -> List.of(bin.get(0), bin.get(1), bin.get(2), bin.get(3));
        };
        String pkg = name.equals("ldlinux.c32") ? "syslinux-common" : "isolinux";
        return findIn(List.of(root), name, pkg, candidates);
    }

    private Path find(String what, String debianPackage, List<String> candidates) {
        return findIn(roots, what, debianPackage, candidates);
    }

    private Path findIn(List<Path> searched, String what, String debianPackage, List<String> candidates) {
        for (Path root : searched) {
            for (String c : candidates) {
                Path p = root.resolve(c);
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
        }
        throw KilnException.tried("find " + what, "none of " + candidates.get(0) + " (and the other usual paths) exists under "
                + searched, "install it (Debian: apt-get install " + debianPackage
                + "), or set " + ENV + " to a directory holding those files or an unpacked image that has them");
    }

    private static Path rootOf(Path found, List<String> candidates) {
        for (String c : candidates) {
            if (found.endsWith(c)) {
                Path root = found;
                for (int i = 0; i < Path.of(c).getNameCount(); i++) {
                    root = root.getParent();
                }
                return root;
            }
        }
        return found.getParent();
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw KilnException.tried("read " + p, String.valueOf(e.getMessage()), "check the file is readable", e);
        }
    }
}
