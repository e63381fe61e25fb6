package dev.kiln.boot;

import dev.kiln.api.KilnException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the boot loader binaries kiln places in images, offline: under each root in turn (what
 * {@code kiln build --bootloaders} or {@code KILN_BOOTLOADERS} names, a directory or an image
 * unpacked by {@link BootloaderImage}; then the host's {@code /}), at the paths Debian, Fedora and
 * Arch install them, or side by side at the top of the root. ISOLINUX and its module come from
 * the same root, as ldlinux.c32 must match the isolinux.bin that loads it.
 */
public final class Bootloaders {

    /** Environment variable naming a directory or image searched before the host. */
    public static final String ENV = "KILN_BOOTLOADERS";

    /** The command-line option that does the same as {@link #ENV}. */
    public static final String OPTION = "--bootloaders";

    /**
     * System property naming the host root searched last ({@code /} when unset); an empty value
     * searches no host root, so tests can prove the files came from elsewhere.
     */
    public static final String HOST_ROOT_PROPERTY = "kiln.bootloaders.host";

    private static final int ISOLINUX_HYBRID_MAGIC = 0x7078c0fb;

    private static final List<String> EFI_STUB = List.of("usr/lib/systemd/boot/efi/linuxx64.efi.stub",
            "linuxx64.efi.stub");
    private static final List<String> ISOLINUX = List.of("usr/lib/ISOLINUX/isolinux.bin",
            "usr/share/syslinux/isolinux.bin", "usr/lib/syslinux/bios/isolinux.bin", "isolinux.bin");
    private static final List<String> LDLINUX = List.of("usr/lib/syslinux/modules/bios/ldlinux.c32",
            "usr/share/syslinux/ldlinux.c32", "usr/lib/syslinux/bios/ldlinux.c32", "ldlinux.c32");
    private static final List<String> ISOHDPFX = List.of("usr/lib/ISOLINUX/isohdpfx.bin",
            "usr/share/syslinux/isohdpfx.bin", "usr/lib/syslinux/bios/isohdpfx.bin", "isohdpfx.bin");

    private final List<Path> roots;

    public Bootloaders(List<Path> roots) {
        this.roots = List.copyOf(roots);
    }

    /** Only the host's root (see {@link #HOST_ROOT_PROPERTY}). */
    public static Bootloaders host() {
        return new Bootloaders(hostRoots());
    }

    /** {@code first}, then the host's root. */
    public static Bootloaders first(Path first) {
        List<Path> roots = new ArrayList<>();
        roots.add(first);
        roots.addAll(hostRoots());
        return new Bootloaders(roots);
    }

    private static List<Path> hostRoots() {
        String host = System.getProperty(HOST_ROOT_PROPERTY, "/");
        return host.isEmpty() ? List.of() : List.of(Path.of(host));
    }

    /** Every path, relative to a root, where a boot loader binary is looked for. */
    public static Set<String> knownPaths() {
        Set<String> all = new LinkedHashSet<>();
        for (List<String> l : List.of(EFI_STUB, ISOLINUX, LDLINUX, ISOHDPFX)) {
            all.addAll(l);
        }
        return all;
    }

    /** systemd's EFI stub for unified kernel images. */
    public byte[] efiStub() {
        return read(find("the systemd EFI stub", "systemd-boot-efi", EFI_STUB));
    }

    /** ISOLINUX, checked to be a build that carries the isohybrid entry point. */
    public byte[] isolinux() {
        byte[] bin = read(isolinuxRootFile("isolinux.bin"));
        if (bin.length < 0x44 || ByteBuffer.wrap(bin).order(ByteOrder.LITTLE_ENDIAN).getInt(0x40) != ISOLINUX_HYBRID_MAGIC) {
            throw KilnException.tried("use isolinux.bin", "it has no isohybrid signature (syslinux 4 or later has one)",
                    "install Debian's isolinux package, or name a newer copy with " + OPTION + " or " + ENV);
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
        Path isolinux = find("ISOLINUX", "isolinux syslinux-common", ISOLINUX);
        Path root = rootOf(isolinux, ISOLINUX);
        List<String> candidates = switch (name) {
            case "ldlinux.c32" -> LDLINUX;
            case "isohdpfx.bin" -> ISOHDPFX;
            default -> ISOLINUX;
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
                + "), or name a directory or an image that holds them with " + OPTION + " DIR|IMAGE or " + ENV);
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
            throw KilnException.tried("read " + p, KilnException.reason(e), "check the file is readable", e);
        }
    }
}
