package dev.kiln.disk.vmdk;

import dev.kiln.limits.Fields;

import dev.kiln.disk.BlockScanner;
import dev.kiln.api.DiskSource;
import dev.kiln.disk.SequentialOutput;
import dev.kiln.disk.WriteOptions;
import dev.kiln.disk.compress.Batch;
import dev.kiln.disk.compress.BlockCompressor;
import dev.kiln.disk.compress.BufferPool;
import dev.kiln.disk.compress.CompressorPool;
import dev.kiln.disk.compress.OrderedPipeline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * A streamOptimized VMDK written strictly front to back (VMDK 5.0 technote): header with
 * {@code gdOffset = GD_AT_END}, embedded descriptor, then for each non-zero 64 KiB grain a marker
 * {lba, size} and its zlib-framed deflate padded to a sector, then the grain tables, the grain
 * directory, a footer (the header with the real gdOffset) and the end-of-stream marker. Grains are
 * deflated on all cores and written in disk order, so the bytes do not depend on the thread count.
 */
public final class StreamVmdkWriter {

    private static final int PER_BATCH = 16;
    /** 2^29 entries: the directory buffer (4 bytes each, sector-padded) stays under 2 GiB. */
    static final long MAX_DIRECTORY_ENTRIES = 1L << 29;

    private final DiskSource source;
    private final WriteOptions options;
    private final long capacity;
    private final Map<Integer, int[]> tables = new TreeMap<>();
    private final BufferPool inputs = new BufferPool(PER_BATCH * VmdkHeader.GRAIN);
    private final BufferPool outputs = new BufferPool(PER_BATCH * (BlockCompressor.bound(VmdkHeader.GRAIN) + 1024));
    private SequentialOutput out;
    private long grainBytes;
    private long grains;

    public StreamVmdkWriter(DiskSource source, WriteOptions options) {
        this.source = source;
        this.options = options;
        this.capacity = (source.size() + 511) / 512;
        directoryEntries(capacity);
    }

    /**
     * Grain directory entries for {@code capacity} sectors: one per 512 grain tables' worth (32 MiB). The
     * directory is one buffer of 4-byte entries, and its index is a grain table's number, so a capacity whose
     * count does not fit is refused before any grain is written, never cast to a smaller one.
     */
    static int directoryEntries(long capacity) {
        long grains = (capacity + VmdkHeader.GRAIN_SECTORS - 1) / VmdkHeader.GRAIN_SECTORS;
        long entries = (grains + VmdkHeader.GTES_PER_GT - 1) / VmdkHeader.GTES_PER_GT;
        return (int) Fields.unsigned("VMDK grain directory entries (capacity " + capacity + " sectors)", entries,
                MAX_DIRECTORY_ENTRIES, "0.." + MAX_DIRECTORY_ENTRIES + ", a capacity under 16 PiB");
    }

    /** A grain's sector in its grain table: a 32-bit field. */
    static int grainSector(long sector) {
        return Fields.u32("VMDK grain address in sectors (a stream VMDK file is under 2 TiB)", sector);
    }

    /** A grain table's sector in the grain directory: a 32-bit field. */
    static int tableSector(long position) {
        return Fields.u32("VMDK grain table address in sectors (a stream VMDK is under 2 TiB)", position / 512);
    }

    private record Done(Batch batch, ByteBuffer packed, int[] sectors) {
    }

    /** Writes the whole stream to {@code channel}; returns the number of bytes written. */
    public long write(WritableByteChannel channel, LongConsumer scanned) throws IOException {
        out = new SequentialOutput(channel);
        out.write(VmdkHeader.build(capacity, VmdkHeader.GD_AT_END));
        byte[] descriptor = VmdkDescriptor.text(options.name() + ".vmdk", capacity);
        out.write(descriptor);
        out.zeros(VmdkHeader.OVERHEAD * 512 - 512 - descriptor.length);
        writeGrains(new BlockScanner(source, VmdkHeader.GRAIN).onProgress(scanned));
        writeTables();
        out.flush();
        return out.position();
    }

    /** Bytes of compressed grains, markers and padding included. */
    public long grainBytes() {
        return grainBytes;
    }

    /** Uncompressed bytes of the grains stored: OVF's {@code populatedSize}. */
    public long populatedBytes() {
        return grains * (long) VmdkHeader.GRAIN;
    }

    private void writeGrains(BlockScanner scanner) throws IOException {
        try (CompressorPool compressors = new CompressorPool(options.level(), BlockCompressor.Framing.ZLIB);
             OrderedPipeline<Done> pipeline = new OrderedPipeline<>(options.threads(), options.threads() * 3,
                     this::place)) {
            Batch[] current = {new Batch(VmdkHeader.GRAIN, PER_BATCH, inputs.take())};
            scanner.blocks((offset, block) -> {
                if (current[0].add(offset, block)) {
                    Batch full = current[0];
                    pipeline.submit(() -> compress(compressors, full));
                    current[0] = new Batch(VmdkHeader.GRAIN, PER_BATCH, inputs.take());
                }
            });
            Batch last = current[0];
            if (last.count() > 0) {
                pipeline.submit(() -> compress(compressors, last));
            }
            pipeline.finish();
        }
    }

    private Done compress(CompressorPool compressors, Batch batch) {
        ByteBuffer packed = outputs.take().order(ByteOrder.LITTLE_ENDIAN);
        int[] sectors = new int[batch.count()];
        BlockCompressor deflate = compressors.take();
        try {
            for (int i = 0; i < batch.count(); i++) {
                int start = packed.position();
                packed.putLong(batch.offset(i) / 512).putInt(0);
                int n = deflate.compress(batch.block(i), packed);
                packed.putInt(start + 8, n);
                int padded = (12 + n + 511) / 512 * 512;
                while (packed.position() < start + padded) {
                    packed.put((byte) 0);
                }
                sectors[i] = padded / 512;
            }
        } finally {
            compressors.give(deflate);
        }
        inputs.give(batch.buffer());
        return new Done(batch, packed.flip(), sectors);
    }

    private void place(Done done) throws IOException {
        long sector = out.position() / 512;
        for (int i = 0; i < done.sectors().length; i++) {
            long grain = done.batch().offset(i) / VmdkHeader.GRAIN;
            int[] gt = tables.computeIfAbsent((int) (grain / VmdkHeader.GTES_PER_GT), k -> new int[VmdkHeader.GTES_PER_GT]);
            gt[(int) (grain % VmdkHeader.GTES_PER_GT)] = grainSector(sector);
            sector += done.sectors()[i];
        }
        grainBytes += done.packed().remaining();
        grains += done.sectors().length;
        out.write(done.packed());
        outputs.give(done.packed());
    }

    private void writeTables() throws IOException {
        int gdEntries = directoryEntries(capacity);
        ByteBuffer gd = ByteBuffer.allocate((gdEntries * 4 + 511) / 512 * 512).order(ByteOrder.LITTLE_ENDIAN);
        for (Map.Entry<Integer, int[]> e : tables.entrySet()) {
            out.write(VmdkHeader.marker(4, 1));
            gd.putInt(e.getKey() * 4, tableSector(out.position()));
            ByteBuffer gt = ByteBuffer.allocate(VmdkHeader.GTES_PER_GT * 4).order(ByteOrder.LITTLE_ENDIAN);
            gt.asIntBuffer().put(e.getValue());
            out.write(gt);
        }
        out.write(VmdkHeader.marker(gd.capacity() / 512, 2));
        long gdOffset = out.position() / 512;
        out.write(gd);
        out.write(VmdkHeader.marker(1, 3));
        out.write(VmdkHeader.build(capacity, gdOffset));
        out.write(VmdkHeader.marker(0, 0));
    }
}
