package dev.kiln.boot.uki;

import dev.kiln.limits.Fields;

import dev.kiln.boot.io.ByteSink;
import dev.kiln.boot.io.Bytes;
import dev.kiln.boot.io.Content;
import dev.kiln.core.Sizes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A unified kernel image (UAPI.5 "Unified Kernel Image"): the systemd EFI stub with sections
 * appended after its last one, each at a file-alignment boundary in the file and a
 * section-alignment boundary in memory above the previous, and the header's section count and
 * SizeOfImage updated, as {@code ukify} and {@code objcopy --add-section} do. Streams: the kernel
 * and initrd are copied from their files when the image is written, never held in memory.
 */
public final class UnifiedKernelImage implements Content {

    /** IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_READ. */
    private static final int DATA_READ_ONLY = 0x40000040;

    private final byte[] header;
    private final List<UkiSection> sections;
    private final long[] rawOffsets;
    private final long size;

    /**
     * @param stub         the systemd-stub PE image ({@code linuxx64.efi.stub})
     * @param rawAlignment file alignment for the added sections' data, a multiple of the stub's
     *                     FileAlignment; a larger one (4096) lets other filesystems point at the
     *                     kernel and initrd inside the image
     */
    public UnifiedKernelImage(byte[] stub, List<UkiSection> sections, long rawAlignment) {
        PeHeaders pe = PeHeaders.read(stub);
        if (pe.spareSectionHeaders() < sections.size()) {
            throw new IllegalArgumentException("the EFI stub has room for " + pe.spareSectionHeaders()
                    + " more section headers, not " + sections.size());
        }
        long align = Math.max(rawAlignment, pe.fileAlignment());
        if (align % pe.fileAlignment() != 0) {
            throw new IllegalArgumentException("alignment " + rawAlignment + " is not a multiple of " + pe.fileAlignment());
        }
        this.sections = List.copyOf(sections);
        this.rawOffsets = new long[sections.size()];
        this.header = stub.clone();
        ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        long raw = Sizes.roundUp(Math.max(stub.length, pe.rawEnd()), align);
        long vma = Sizes.roundUp(pe.imageEnd(), pe.sectionAlignment());
        long initialized = 0;
        for (int i = 0; i < sections.size(); i++) {
            long length = sections.get(i).content().size();
            long rawSize = Sizes.roundUp(length, pe.fileAlignment());
            rawOffsets[i] = raw;
            sectionHeader(b, pe.sectionTableOffset() + (pe.sectionCount() + i) * PeHeaders.SECTION_HEADER,
                    sections.get(i).name(), length, vma, rawSize, raw);
            initialized += rawSize;
            vma = Sizes.roundUp(vma + length, pe.sectionAlignment());
            raw = Sizes.roundUp(raw + rawSize, i + 1 < sections.size() ? align : pe.fileAlignment());
        }
        this.size = raw;
        b.putShort(pe.coffOffset() + 2, (short) (pe.sectionCount() + sections.size()));
        b.putInt(pe.optionalOffset() + 8, Fields.u32("PE SizeOfInitializedData",
                Integer.toUnsignedLong(b.getInt(pe.optionalOffset() + 8)) + initialized));
        b.putInt(pe.optionalOffset() + 56, Fields.u32("PE SizeOfImage", vma));
        b.putInt(pe.optionalOffset() + 64, 0);
    }

    private static void sectionHeader(ByteBuffer b, int at, String name, long virtualSize, long vma, long rawSize,
                                      long raw) {
        b.position(at);
        b.put(Bytes.ascii(name, 8, '\0'));
        b.putInt(Fields.u32("PE section VirtualSize", virtualSize)).putInt(Fields.u32("PE section VirtualAddress", vma))
                .putInt(Fields.u32("PE section SizeOfRawData", rawSize)).putInt(Fields.u32("PE section PointerToRawData", raw));
        b.putInt(0).putInt(0).putShort((short) 0).putShort((short) 0).putInt(DATA_READ_ONLY);
    }

    /** A UKI with the usual sections: {@code .osrel}, {@code .cmdline}, {@code .linux}, {@code .initrd}. */
    public static UnifiedKernelImage of(byte[] stub, String osRelease, String cmdline, Content kernel, Content initrd,
                                        long rawAlignment) {
        List<UkiSection> s = new ArrayList<>();
        s.add(new UkiSection(".osrel", Content.of(osRelease.getBytes(StandardCharsets.UTF_8))));
        s.add(new UkiSection(".cmdline", Content.of(cmdline.getBytes(StandardCharsets.UTF_8))));
        s.add(new UkiSection(".linux", kernel));
        s.add(new UkiSection(".initrd", initrd));
        return new UnifiedKernelImage(stub, s, rawAlignment);
    }

    /** Offset in this file of the named section's data. */
    public long offsetOf(String sectionName) {
        for (int i = 0; i < sections.size(); i++) {
            if (sections.get(i).name().equals(sectionName)) {
                return rawOffsets[i];
            }
        }
        throw new IllegalArgumentException("no section " + sectionName);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void writeTo(ByteSink sink) throws IOException {
        sink.write(header);
        long pos = header.length;
        for (int i = 0; i < sections.size(); i++) {
            sink.write(new byte[(int) (rawOffsets[i] - pos)]);
            Content c = sections.get(i).content();
            c.writeTo(sink);
            pos = rawOffsets[i] + c.size();
        }
        sink.write(new byte[(int) (size - pos)]);
    }
}
