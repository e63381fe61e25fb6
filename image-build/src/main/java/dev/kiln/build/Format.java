package dev.kiln.build;

import dev.kiln.api.BootMode;

import dev.kiln.api.KilnException;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The outputs of {@code kiln build -f}, named as LinuxKit names them. {@code files} are patterns
 * where {@code NAME} is replaced by {@code --name}.
 */
public enum Format {
    TAR("tar", "the root filesystem as a tar stream (nothing boots it)", List.of("NAME.tar"), Set.of()),
    KERNEL_INITRD("kernel+initrd", "kernel, initrd and cmdline; qemu -kernel (SeaBIOS or OVMF), iPXE, Equinix Metal",
            List.of("NAME-kernel", "NAME-initrd.img", "NAME-cmdline"), EnumSet.of(BootMode.BIOS, BootMode.UEFI)),
    TAR_KERNEL_INITRD("tar-kernel-initrd", "one tar holding kernel, initrd.img and cmdline",
            List.of("NAME-initrd.tar"), Set.of()),
    RAW_EFI("raw-efi", "GPT disk, FAT32 ESP with a unified kernel image, smallest whole MiB that fits; UEFI firmware (OVMF)",
            List.of("NAME-efi.img"), EnumSet.of(BootMode.UEFI)),
    RAW_BIOS("raw-bios", "isohybrid ISO9660 + ISOLINUX, the same bytes as iso-bios; BIOS firmware (SeaBIOS), as a disk or CD",
            List.of("NAME-bios.img"), EnumSet.of(BootMode.BIOS)),
    ISO_EFI("iso-efi", "ISO9660, El Torito EFI image with the UKI; UEFI CD or disk",
            List.of("NAME-efi.iso"), EnumSet.of(BootMode.UEFI)),
    ISO_EFI_INITRD("iso-efi-initrd", "ISO9660 with kernel and initrd, El Torito EFI image; UEFI CD or disk",
            List.of("NAME-efi-initrd.iso"), EnumSet.of(BootMode.UEFI)),
    ISO_BIOS("iso-bios", "ISO9660 + ISOLINUX, isohybrid; BIOS CD or disk, vCenter",
            List.of("NAME.iso"), EnumSet.of(BootMode.BIOS)),
    QCOW2_EFI("qcow2-efi", "qcow2 v3 of the raw-efi layout; qemu/KVM, OpenStack with UEFI",
            List.of("NAME-efi.qcow2"), EnumSet.of(BootMode.UEFI)),
    QCOW2_BIOS("qcow2-bios", "qcow2 v3 of the hybrid BIOS+UEFI disk (the aws layout); qemu/KVM, OpenStack",
            List.of("NAME.qcow2"), EnumSet.of(BootMode.BIOS, BootMode.UEFI)),
    AWS("aws", "raw hybrid BIOS+UEFI disk, whole GiB (--size rounds up); AWS (legacy-bios, uefi or uefi-preferred)",
            List.of("NAME.raw"), EnumSet.of(BootMode.BIOS, BootMode.UEFI)),
    GCP("gcp", "disk.raw (hybrid BIOS+UEFI disk, whole GiB) in an oldgnu sparse tar.gz; GCE (UEFI_COMPATIBLE or BIOS)",
            List.of("NAME.img.tar.gz"), EnumSet.of(BootMode.BIOS, BootMode.UEFI)),
    VHD("vhd", "fixed VHD (N MiB + 512) of the hybrid BIOS+UEFI disk; Azure (Gen1 and Gen2)",
            List.of("NAME.vhd"), EnumSet.of(BootMode.BIOS, BootMode.UEFI)),
    DYNAMIC_VHD("dynamic-vhd", "dynamic VHD of the hybrid BIOS+UEFI disk; Hyper-V",
            List.of("NAME-dynamic.vhd"), EnumSet.of(BootMode.BIOS, BootMode.UEFI)),
    VMDK("vmdk", "streamOptimized VMDK of the hybrid BIOS+UEFI disk; vSphere, AWS VM Import",
            List.of("NAME.vmdk"), EnumSet.of(BootMode.BIOS, BootMode.UEFI)),
    OVA("ova", "OVF 1.0 + streamOptimized VMDK of the hybrid BIOS+UEFI disk in a tar; vSphere",
            List.of("NAME.ova"), EnumSet.of(BootMode.BIOS, BootMode.UEFI));

    private final String id;
    private final String description;
    private final List<String> files;
    private final Set<BootMode> bootModes;

    Format(String id, String description, List<String> files, Set<BootMode> bootModes) {
        this.id = id;
        this.description = description;
        this.files = files;
        this.bootModes = bootModes.isEmpty() ? Set.of() : Set.copyOf(bootModes);
    }

    public String id() {
        return id;
    }

    public String description() {
        return description;
    }

    public Set<BootMode> bootModes() {
        return bootModes;
    }

    /** The file names this format writes for an image called {@code name}. */
    public List<String> fileNames(String name) {
        return files.stream().map(f -> f.replace("NAME", name)).toList();
    }

    /** True when the output can go to stdout ({@code -o -}). */
    public boolean streamable() {
        return this == TAR;
    }

    public static Format of(String id) {
        for (Format f : values()) {
            if (f.id.equals(id)) {
                return f;
            }
        }
        throw KilnException.usage("Unknown format '" + id + "'; choose one of: " + ids());
    }

    public static String ids() {
        return Arrays.stream(values()).map(Format::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }
}
