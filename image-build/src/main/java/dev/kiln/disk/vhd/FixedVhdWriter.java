package dev.kiln.disk.vhd;

import dev.kiln.core.Sizes;
import dev.kiln.disk.Channels;
import dev.kiln.api.DiskSource;
import dev.kiln.disk.RawWriter;
import dev.kiln.disk.WriteOptions;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.function.LongConsumer;

/**
 * A fixed VHD: the disk bytes, then the footer. As Azure requires, the virtual size is a whole number
 * of MiB (rounded up when {@link WriteOptions#roundSize()}) and the file is that plus 512 bytes. Zero
 * blocks are left as holes, so the file stays sparse.
 */
public final class FixedVhdWriter {

    private final DiskSource source;
    private final FileChannel out;
    private final WriteOptions options;

    public FixedVhdWriter(DiskSource source, FileChannel out, WriteOptions options) {
        this.source = source;
        this.out = out;
        this.options = options;
    }

    /** The virtual size Azure accepts: whole MiB, rounded up or, without rounding, required. */
    static long virtualSize(long size, WriteOptions options) {
        long mib = 1L << 20;
        if (options.roundSize()) {
            return Sizes.roundUp(Math.max(size, 1), mib);
        }
        return Sizes.roundUp(size, 512);
    }

    public void write(LongConsumer scanned) throws IOException {
        long size = virtualSize(source.size(), options);
        RawWriter.write(source, out, size, options.threads(), scanned);
        Channels.writeFully(out, VhdFooter.build(VhdFooter.TYPE_FIXED, size, -1L, options.timestamp(),
                VhdFooter.id(options.name(), size)), size);
    }
}
