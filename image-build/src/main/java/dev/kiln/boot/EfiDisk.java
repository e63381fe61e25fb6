package dev.kiln.boot;

import dev.kiln.boot.fat.Fat32Layout;
import dev.kiln.boot.fat.Fat32Writer;
import dev.kiln.boot.fat.FatFile;
import dev.kiln.boot.io.SparseSink;
import dev.kiln.boot.part.Gpt;
import dev.kiln.boot.part.GptPartition;
import dev.kiln.boot.part.Guids;
import dev.kiln.boot.part.Mbr;

import java.io.IOException;
import java.util.List;
import java.util.OptionalLong;

/**
 * The {@code raw-efi} layout: a GPT disk with one EFI System Partition at 1 MiB, FAT32, holding
 * the unified kernel image as {@code EFI/BOOT/BOOTX64.EFI}, the removable-media path UEFI
 * firmware boots without any boot entry (UEFI 2.10, 3.5.1.1). The ESP carries no attributes: bit 2,
 * "legacy BIOS bootable", would tell BIOS-side tools this UEFI-only disk boots from BIOS.
 */
public final class EfiDisk implements DiskLayout {

    static final String BOOT_PATH = "EFI/BOOT/BOOTX64.EFI";
    private static final long ESP_START = DiskSizes.MIB;

    private final BootPieces pieces;
    private final Fat32Layout esp;
    private final long size;

    public EfiDisk(BootPieces pieces, OptionalLong requestedSize) {
        this.pieces = pieces;
        List<FatFile> files = List.of(FatFile.of(BOOT_PATH, pieces.uki()));
        long espBytes = Fat32Layout.sizeFor(files);
        this.esp = Fat32Layout.plan(espBytes, files, ESP_START, "EFI", pieces.serial("esp"));
        this.size = DiskSizes.choose(ESP_START + espBytes + Gpt.SECTORS * 512L, DiskSizes.MIB, requestedSize, "raw-efi");
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void write(SparseSink sink) throws IOException {
        long sectors = size / 512;
        Gpt gpt = new Gpt(sectors, pieces.guid("disk"), List.of(new GptPartition(Guids.ESP, pieces.guid("esp"),
                ESP_START / 512, (ESP_START + esp.sizeBytes()) / 512 - 1, 0,
                "EFI System Partition")));
        sink.write(Mbr.protective(new byte[0], pieces.serial("mbr"), sectors));
        sink.write(gpt.primary());
        sink.seek(ESP_START);
        Fat32Writer.write(esp, sink);
        sink.seek(size - Gpt.SECTORS * 512L);
        sink.write(gpt.backup());
    }
}
