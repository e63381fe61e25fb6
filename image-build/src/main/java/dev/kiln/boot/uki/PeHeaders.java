package dev.kiln.boot.uki;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The parts of a PE32+ image's headers a unified kernel image needs (Microsoft PE/COFF
 * specification, "PE Format"): where the section table ends, the alignments, the end of the last
 * section in memory and in the file.
 */
record PeHeaders(int coffOffset, int optionalOffset, int sectionTableOffset, int sectionCount,
                 long sectionAlignment, long fileAlignment, long sizeOfHeaders, long imageEnd,
                 long rawEnd) {

    static final int SECTION_HEADER = 40;
    private static final int PE32_PLUS = 0x20B;

    static PeHeaders read(byte[] image) {
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        if (image.length < 0x40 || b.getShort(0) != 0x5A4D) {
            throw new IllegalArgumentException("not a PE image: no MZ header");
        }
        int pe = b.getInt(0x3C);
        if (pe < 0 || pe + 24 > image.length || b.getInt(pe) != 0x00004550) {
            throw new IllegalArgumentException("not a PE image: no PE signature");
        }
        int coff = pe + 4;
        int sections = b.getShort(coff + 2) & 0xFFFF;
        int optionalSize = b.getShort(coff + 16) & 0xFFFF;
        int opt = coff + 20;
        if ((b.getShort(opt) & 0xFFFF) != PE32_PLUS) {
            throw new IllegalArgumentException("not a PE32+ (64-bit) image");
        }
        int table = opt + optionalSize;
        long imageEnd = 0;
        long rawEnd = 0;
        for (int i = 0; i < sections; i++) {
            int s = table + i * SECTION_HEADER;
            imageEnd = Math.max(imageEnd, (b.getInt(s + 12) & 0xFFFFFFFFL) + (b.getInt(s + 8) & 0xFFFFFFFFL));
            rawEnd = Math.max(rawEnd, (b.getInt(s + 20) & 0xFFFFFFFFL) + (b.getInt(s + 16) & 0xFFFFFFFFL));
        }
        return new PeHeaders(coff, opt, table, sections, b.getInt(opt + 32) & 0xFFFFFFFFL,
                b.getInt(opt + 36) & 0xFFFFFFFFL, b.getInt(opt + 60) & 0xFFFFFFFFL, imageEnd, rawEnd);
    }

    /** Room for this many more section headers before the first section's data. */
    int spareSectionHeaders() {
        long end = sectionTableOffset + (long) sectionCount * SECTION_HEADER;
        return (int) ((sizeOfHeaders - end) / SECTION_HEADER);
    }
}
