package dev.kiln.boot;

import dev.kiln.boot.iso.IsoLayout;
import dev.kiln.boot.part.Gpt;
import dev.kiln.boot.part.GptPartition;
import dev.kiln.boot.part.Guids;
import dev.kiln.boot.part.Mbr;
import dev.kiln.boot.part.MbrPartition;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * The partition tables and BIOS boot code an ISO-based image carries in its system area (and,
 * for GPT, in its last sectors). The isohybrid MBR code loads four sectors from the 512-byte
 * sector number at offset 432 and jumps into isolinux.bin's hybrid entry (syslinux mbr/isohdpfx.S).
 */
final class SystemArea {

    private final BootPieces pieces;
    private final IsoDiskKind kind;
    private final IsoLayout iso;
    private final long sectors;

    SystemArea(BootPieces pieces, IsoDiskKind kind, IsoLayout iso, long size) {
        this.pieces = pieces;
        this.kind = kind;
        this.iso = iso;
        this.sectors = size / 512;
    }

    byte[] head() {
        byte[] code = kind.bios() ? isohybridCode() : new byte[0];
        int signature = pieces.serial("mbr");
        return switch (kind.partitioning()) {
            case ISOHYBRID_MBR -> Mbr.encode(code, signature,
                    List.of(new MbrPartition(true, MbrPartition.ISOHYBRID, 0, sectors)));
            case EFI_MBR -> Mbr.encode(code, signature, List.of(new MbrPartition(false, MbrPartition.EFI_SYSTEM,
                    espFirstSector(), espSectors())));
            case GPT -> concat(Mbr.protective(code, signature, sectors), gpt().primary());
        };
    }

    byte[] tail() {
        return kind.partitioning() == IsoDiskKind.Partitioning.GPT ? gpt().backup() : new byte[0];
    }

    private Gpt gpt() {
        return new Gpt(sectors, pieces.guid("disk"), List.of(new GptPartition(Guids.ESP, pieces.guid("esp"),
                espFirstSector(), espFirstSector() + espSectors() - 1, 0, "EFI System Partition")));
    }

    private long espFirstSector() {
        return iso.blockOf(IsoDisk.EFI_IMAGE) * (IsoLayout.BLOCK / 512);
    }

    private long espSectors() {
        return iso.sizeOf(IsoDisk.EFI_IMAGE) / 512;
    }

    private byte[] isohybridCode() {
        byte[] code = Arrays.copyOf(pieces.loaders().isohybridMbr(), Mbr.CODE);
        long isolinuxSector = iso.blockOf("isolinux/isolinux.bin") * (IsoLayout.BLOCK / 512);
        ByteBuffer.wrap(code).order(ByteOrder.LITTLE_ENDIAN).putLong(432, isolinuxSector);
        return code;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
