package dev.kiln.boot.iso;

import dev.kiln.boot.io.ByteSink;
import dev.kiln.boot.io.SparseSink;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Writes a planned volume front to back: system area, descriptors, catalog, path tables,
 * directories, files. Placed files are only pointed at; everything else streams from its source.
 */
public final class IsoWriter {

    private static final int SYSTEM_AREA = 16 * IsoLayout.BLOCK;

    private IsoWriter() {
    }

    /**
     * @param systemArea up to 32 KiB for the start of the volume (an MBR, a GPT), or an empty array
     */
    public static void write(IsoLayout layout, byte[] systemArea, SparseSink sink) throws IOException {
        if (systemArea.length > SYSTEM_AREA) {
            throw new IllegalArgumentException("system area larger than 32 KiB");
        }
        long start = sink.position();
        sink.write(systemArea);
        sink.seek(start + SYSTEM_AREA);
        sink.write(VolumeDescriptors.primary(layout));
        IsoSpec spec = layout.spec;
        if (spec.bootable()) {
            sink.write(VolumeDescriptors.bootRecord(layout.catalogLba));
        }
        sink.write(VolumeDescriptors.terminator());
        if (spec.bootable()) {
            sink.write(catalog(layout));
        }
        block(sink, RockRidge.extensionReference());
        block(sink, PathTable.encode(layout.directories, ByteOrder.LITTLE_ENDIAN));
        block(sink, PathTable.encode(layout.directories, ByteOrder.BIG_ENDIAN));
        for (IsoNode d : layout.directories) {
            block(sink, packed(DirectoryRecord.of(d, layout.continuationLba)));
        }
        for (IsoNode f : layout.filesInOrder()) {
            if (!f.file.placed()) {
                writeFile(layout, f, sink);
            }
        }
        sink.seek(start + layout.dataEnd * IsoLayout.BLOCK);
    }

    private static void writeFile(IsoLayout layout, IsoNode f, SparseSink sink) throws IOException {
        if (layout.spec.biosBoot().filter(f.file.path()::equals).isPresent()) {
            sink.write(BootInfoTable.patch(ByteSink.toBytes(f.file.content()), f.lba));
        } else {
            f.file.content().writeTo(sink);
        }
        sink.align(IsoLayout.BLOCK);
    }

    private static byte[] catalog(IsoLayout layout) {
        IsoSpec spec = layout.spec;
        long bios = spec.biosBoot().map(layout::blockOf).orElse(-1L);
        long efi = spec.efiBoot().map(layout::blockOf).orElse(-1L);
        long efiSize = spec.efiBoot().map(layout::sizeOf).orElse(0L);
        return BootCatalog.encode(bios, 4, efi, efiSize);
    }

    private static byte[] packed(List<byte[]> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] r : records) {
            if (out.size() % IsoLayout.BLOCK + r.length > IsoLayout.BLOCK) {
                out.writeBytes(new byte[IsoLayout.BLOCK - out.size() % IsoLayout.BLOCK]);
            }
            out.writeBytes(r);
        }
        return out.toByteArray();
    }

    private static void block(SparseSink sink, byte[] data) throws IOException {
        sink.write(data);
        sink.align(IsoLayout.BLOCK);
    }
}
