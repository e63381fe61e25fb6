package dev.kiln.disk.vhd;

import dev.kiln.limits.Fields;

import dev.kiln.disk.BlockScanner;
import dev.kiln.disk.Channels;
import dev.kiln.api.DiskSource;
import dev.kiln.disk.WriteOptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.UUID;
import java.util.function.LongConsumer;

/**
 * A dynamic VHD (specification: "Dynamic Disk Header Format", "Block Allocation Table and Data Blocks"):
 * footer copy at 0, "cxsparse" header at 512, the BAT at 1536 with exactly ceil(size / 2 MiB) entries
 * (the count Azure checks), then each non-zero 2 MiB block behind a 512-byte sector bitmap, and the
 * footer last. Blocks are written in disk order; the BAT and headers are written at the end.
 */
public final class DynamicVhdWriter {

    static final int BLOCK = 2 << 20;
    static final int BITMAP = 512;
    static final long HEADER_OFFSET = 512;
    static final long BAT_OFFSET = 1536;

    private final DiskSource source;
    private final FileChannel out;
    private final WriteOptions options;

    public DynamicVhdWriter(DiskSource source, FileChannel out, WriteOptions options) {
        this.source = source;
        this.out = out;
        this.options = options;
    }

    public void write(LongConsumer scanned) throws IOException {
        long size = FixedVhdWriter.virtualSize(source.size(), options);
        int entries = tableEntries(size);
        int[] bat = new int[entries];
        Arrays.fill(bat, -1);
        long batBytes = (entries * 4L + 511) / 512 * 512;
        long[] cursor = {BAT_OFFSET + batBytes};
        ByteBuffer bitmap = ByteBuffer.allocateDirect(BITMAP);
        while (bitmap.hasRemaining()) {
            bitmap.put((byte) 0xff);
        }
        new BlockScanner(source, BLOCK).onProgress(scanned).readAhead(options.threads()).blocks((offset, data) -> {
            if (offset >= size) {
                return;
            }
            bat[(int) (offset / BLOCK)] = blockSector(cursor[0]);
            Channels.writeFully(out, bitmap.clear(), cursor[0]);
            Channels.writeFully(out, data, cursor[0] + BITMAP);
            cursor[0] += BITMAP + BLOCK;
        });
        UUID id = VhdFooter.id(options.name(), size);
        ByteBuffer footer = VhdFooter.build(VhdFooter.TYPE_DYNAMIC, size, HEADER_OFFSET, options.timestamp(), id);
        Channels.writeFully(out, footer.duplicate(), cursor[0]);
        Channels.writeFully(out, footer, 0);
        Channels.writeFully(out, header(entries), HEADER_OFFSET);
        ByteBuffer table = ByteBuffer.allocate((int) batBytes);
        table.asIntBuffer().put(bat);
        table.position(entries * 4);
        while (table.hasRemaining()) {
            table.put((byte) 0xff);
        }
        Channels.writeFully(out, table.clear(), BAT_OFFSET);
        out.truncate(cursor[0] + VhdFooter.SIZE);
    }

    /**
     * The BAT's entries for a disk of {@code size} bytes, one per 2 MiB block: "Max Table Entries" is a 32-bit
     * field, and the BAT is one buffer, so a count over 2^29 (a virtual size of 1 PiB) is refused, never cast.
     */
    static int tableEntries(long size) {
        long entries = (size + BLOCK - 1) / BLOCK;
        return (int) Fields.unsigned("VHD Max Table Entries (virtual size " + size + " bytes)", entries,
                MAX_TABLE_ENTRIES, "0.." + MAX_TABLE_ENTRIES + ", a virtual size up to 1 PiB");
    }

    /** A block's BAT entry: the sector of its bitmap in the file, a 32-bit field (so the file stays under 2 TiB). */
    static int blockSector(long position) {
        return Fields.u32("VHD block address in sectors (a dynamic VHD file is under 2 TiB)", position / 512);
    }

    /** 2^29 entries of 4 bytes: the BAT buffer stays under 2 GiB. */
    static final long MAX_TABLE_ENTRIES = 1L << 29;

    private static ByteBuffer header(int entries) {
        ByteBuffer h = ByteBuffer.allocate(1024);
        h.put("cxsparse".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        h.putLong(-1L).putLong(BAT_OFFSET).putInt(0x00010000).putInt(Fields.u32("VHD block table entries", entries)).putInt(BLOCK);
        h.putInt(36, VhdFooter.checksum(h, 0, 1024));
        return h.clear();
    }
}
