package dev.kiln.boot;

/**
 * The ISO-based layouts kiln writes.
 *
 * @param bios        ISOLINUX by El Torito and by isohybrid MBR code
 * @param efi         a FAT32 image with the UKI, by El Torito and as an EFI System Partition
 * @param kernelFiles plain {@code /kernel} and {@code /initrd.img} in the volume even without BIOS boot
 * @param sizeUnit    the image size is a multiple of this (whole GiB for cloud disks)
 */
public record IsoDiskKind(String id, boolean bios, boolean efi, boolean kernelFiles, Partitioning partitioning,
                          long sizeUnit) {

    /** What the first and last sectors of the image hold besides the ISO9660 volume. */
    public enum Partitioning {
        /** isohybrid: an active partition of type 0x17 from sector 0 over the whole image. */
        ISOHYBRID_MBR,
        /** an MBR whose only partition, type 0xEF, is the FAT image: UEFI boots it from a disk. */
        EFI_MBR,
        /** a protective MBR and a GPT whose EFI System Partition is the FAT image. */
        GPT;

        long trailingBytes() {
            return this == GPT ? dev.kiln.boot.part.Gpt.SECTORS * 512L : 0;
        }
    }

    public static final IsoDiskKind ISO_BIOS = new IsoDiskKind("iso-bios", true, false, false, Partitioning.ISOHYBRID_MBR,
            DiskSizes.MIB);
    public static final IsoDiskKind RAW_BIOS = new IsoDiskKind("raw-bios", true, false, false, Partitioning.ISOHYBRID_MBR,
            DiskSizes.MIB);
    public static final IsoDiskKind ISO_EFI = new IsoDiskKind("iso-efi", false, true, false, Partitioning.EFI_MBR,
            DiskSizes.MIB);
    public static final IsoDiskKind ISO_EFI_INITRD = new IsoDiskKind("iso-efi-initrd", false, true, true,
            Partitioning.EFI_MBR, DiskSizes.MIB);
    public static final IsoDiskKind HYBRID = new IsoDiskKind("hybrid disk", true, true, true, Partitioning.GPT,
            DiskSizes.GIB);
}
