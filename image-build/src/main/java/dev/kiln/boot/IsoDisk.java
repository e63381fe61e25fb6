package dev.kiln.boot;

import dev.kiln.boot.fat.Fat32Image;
import dev.kiln.boot.fat.Fat32Layout;
import dev.kiln.boot.fat.FatFile;
import dev.kiln.boot.io.Content;
import dev.kiln.boot.io.SparseSink;
import dev.kiln.boot.io.ZeroContent;
import dev.kiln.boot.iso.IsoFile;
import dev.kiln.boot.iso.IsoLayout;
import dev.kiln.boot.iso.IsoSpec;
import dev.kiln.boot.iso.IsoWriter;
import dev.kiln.boot.uki.UnifiedKernelImage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An ISO9660 volume that boots as a CD and, through what it puts in its 32 KiB system area, as
 * a disk: ISOLINUX by El Torito and by the isohybrid MBR code (BIOS), and a FAT32 image holding
 * the unified kernel image by El Torito platform 0xEF and as an EFI System Partition of an MBR or
 * GPT (UEFI). When both the FAT image and plain {@code /kernel} and {@code /initrd.img} files are
 * wanted, the ISO9660 records point at the kernel and initrd inside the UKI instead of storing
 * them twice.
 */
public final class IsoDisk implements DiskLayout {

    static final String EFI_IMAGE = "efi.img";

    private final BootPieces pieces;
    private final IsoDiskKind kind;
    private final IsoLayout iso;
    private final long size;

    public IsoDisk(BootPieces pieces, IsoDiskKind kind, OptionalLong requestedSize) {
        this.pieces = pieces;
        this.kind = kind;
        this.iso = kind.efi() ? planWithEsp() : IsoLayout.plan(spec(Optional.empty(), -1, -1));
        long needed = iso.volumeBlocks() * IsoLayout.BLOCK + kind.partitioning().trailingBytes();
        this.size = DiskSizes.choose(needed, kind.sizeUnit(), requestedSize, kind.id());
    }

    private IsoLayout planWithEsp() {
        UnifiedKernelImage uki = pieces.uki();
        List<FatFile> espFiles = List.of(new FatFile(EfiDisk.BOOT_PATH, uki, BootPieces.UKI_ALIGNMENT));
        long espBytes = Fat32Layout.sizeFor(espFiles);
        IsoLayout draft = IsoLayout.plan(spec(Optional.of(new ZeroContent(espBytes)), 0, 0));
        long espOffset = draft.blockOf(EFI_IMAGE) * IsoLayout.BLOCK;
        Fat32Layout esp = Fat32Layout.plan(espBytes, espFiles, espOffset, "EFI", pieces.serial("esp"));
        long ukiOffset = espOffset + esp.offsetOf(EfiDisk.BOOT_PATH);
        long kernelLba = (ukiOffset + uki.offsetOf(".linux")) / IsoLayout.BLOCK;
        long initrdLba = (ukiOffset + uki.offsetOf(".initrd")) / IsoLayout.BLOCK;
        IsoLayout layout = IsoLayout.plan(spec(Optional.of(new Fat32Image(esp)), kernelLba, initrdLba));
        if (layout.blockOf(EFI_IMAGE) * IsoLayout.BLOCK != espOffset) {
            throw new IllegalStateException("layout error: the EFI image moved between plans");
        }
        return layout;
    }

    /** Files of the volume; the kernel and initrd are placed at the given blocks when not negative. */
    private IsoSpec spec(Optional<Content> espImage, long kernelLba, long initrdLba) {
        List<IsoFile> files = new ArrayList<>();
        espImage.ifPresent(img -> files.add(IsoFile.of(EFI_IMAGE, img)));
        if (kind.bios()) {
            Bootloaders loaders = pieces.loaders();
            files.add(IsoFile.of("isolinux/isolinux.bin", Content.of(loaders.isolinux())));
            files.add(IsoFile.of("isolinux/ldlinux.c32", Content.of(loaders.ldlinux())));
            files.add(IsoFile.of("isolinux/isolinux.cfg", Content.of(pieces.isolinuxConfig())));
        }
        if (kind.bios() || kind.kernelFiles()) {
            boolean shared = espImage.isPresent();
            files.add(new IsoFile("kernel", pieces.kernel(), shared ? kernelLba : -1));
            files.add(new IsoFile("initrd.img", pieces.initrd(), shared ? initrdLba : -1));
        }
        return new IsoSpec(pieces.volumeId(), files,
                kind.bios() ? Optional.of("isolinux/isolinux.bin") : Optional.empty(),
                espImage.isPresent() ? Optional.of(EFI_IMAGE) : Optional.empty());
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void write(SparseSink sink) throws IOException {
        SystemArea area = new SystemArea(pieces, kind, iso, size);
        IsoWriter.write(iso, area.head(), sink);
        byte[] tail = area.tail();
        if (tail.length > 0) {
            sink.seek(size - tail.length);
            sink.write(tail);
        }
    }
}
