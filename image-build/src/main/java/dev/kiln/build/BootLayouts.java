package dev.kiln.build;

import dev.kiln.boot.*;
import dev.kiln.boot.io.SparseSink;
import dev.kiln.build.Artifact;
import dev.kiln.boot.BootFiles;
import dev.kiln.build.Format;
import dev.kiln.build.OutputWriter;
import dev.kiln.core.Digests;
import dev.kiln.api.KilnException;
import dev.kiln.core.Sizes;
import dev.kiln.disk.DiskFormat;
import dev.kiln.disk.DiskImages;
import dev.kiln.disk.RawDiskSource;
import dev.kiln.disk.WriteOptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Writes the bootable formats: the raw layouts natively ({@link EfiDisk}, {@link IsoDisk}), and
 * the container formats by handing the raw layout to {@link DiskImages}. Cloud formats carry the
 * hybrid layout, so one image boots in BIOS and UEFI mode alike. Boot loader binaries come from
 * {@link BootFiles#bootloaders()}.
 */
public final class BootLayouts implements OutputWriter {

    private static final Map<Format, DiskFormat> CONTAINERS = Map.of(
            Format.QCOW2_EFI, DiskFormat.QCOW2, Format.QCOW2_BIOS, DiskFormat.QCOW2, Format.GCP, DiskFormat.GCP_TAR_GZ,
            Format.VHD, DiskFormat.VHD, Format.DYNAMIC_VHD, DiskFormat.DYNAMIC_VHD, Format.VMDK, DiskFormat.VMDK,
            Format.OVA, DiskFormat.OVA);

    @Override
    public Set<Format> formats() {
        return EnumSet.of(Format.RAW_EFI, Format.RAW_BIOS, Format.ISO_EFI, Format.ISO_EFI_INITRD, Format.ISO_BIOS,
                Format.QCOW2_EFI, Format.QCOW2_BIOS, Format.AWS, Format.GCP, Format.VHD, Format.DYNAMIC_VHD,
                Format.VMDK, Format.OVA);
    }

    @Override
    public List<Artifact> write(Format format, BootFiles files) throws IOException {
        Path out = files.output(format.fileNames(files.name()).get(0));
        DiskLayout layout = layout(format, new BootPieces(files, files.bootloaders()), files);
        DiskFormat container = CONTAINERS.get(format);
        if (container == null) {
            writeRaw(layout, out);
        } else {
            Path raw = out.resolveSibling("." + out.getFileName() + ".raw");
            try {
                writeRaw(layout, raw);
                try (RawDiskSource source = new RawDiskSource(raw)) {
                    DiskImages.write(container, source, out, WriteOptions.defaults().withName(files.name()),
                            files.events());
                }
            } finally {
                Files.deleteIfExists(raw);
            }
        }
        return List.of(new Artifact(out, format, Files.size(out), Digests.sha256Hex(out), format.bootModes()));
    }

    static DiskLayout layout(Format format, BootPieces pieces, BootFiles files) {
        return switch (format) {
            case RAW_EFI, QCOW2_EFI -> new EfiDisk(pieces, files.diskSize());
            case RAW_BIOS -> new IsoDisk(pieces, IsoDiskKind.RAW_BIOS, files.diskSize());
            case ISO_BIOS -> new IsoDisk(pieces, IsoDiskKind.ISO_BIOS, OptionalLong.empty());
            case ISO_EFI -> new IsoDisk(pieces, IsoDiskKind.ISO_EFI, OptionalLong.empty());
            case ISO_EFI_INITRD -> new IsoDisk(pieces, IsoDiskKind.ISO_EFI_INITRD, OptionalLong.empty());
            case AWS, GCP -> new IsoDisk(pieces, IsoDiskKind.HYBRID, wholeGib(files.diskSize()));
            case QCOW2_BIOS, VHD, DYNAMIC_VHD, VMDK, OVA ->
                    new IsoDisk(pieces, IsoDiskKind.HYBRID, files.diskSize());
            default -> throw KilnException.tried("write " + format.id(), "it is not a bootable disk layout",
                    "choose one of raw-efi, raw-bios, iso-efi, iso-bios, aws, gcp, vhd, vmdk");
        };
    }

    /**
     * AWS volumes and GCE images are whole GiB, so a {@code --size} between is rounded up here, where the
     * layout puts its backup GPT at the real end, rather than padded afterwards.
     */
    private static OptionalLong wholeGib(OptionalLong requested) {
        return requested.isPresent()
                ? OptionalLong.of(Sizes.roundUp(requested.getAsLong(), 1L << 30)) : requested;
    }

    /** Writes {@code layout} to {@code out} as a sparse raw file of exactly its size. */
    static void writeRaw(DiskLayout layout, Path out) throws IOException {
        try (FileChannel ch = SparseSink.open(out)) {
            SparseSink sink = new SparseSink(ch, 0);
            layout.write(sink);
            if (sink.position() > layout.size()) {
                throw new IllegalStateException("layout error: wrote " + sink.position() + " bytes of " + layout.size());
            }
            if (ch.size() < layout.size()) {
                ch.write(ByteBuffer.allocate(1), layout.size() - 1);
            }
        }
    }
}
