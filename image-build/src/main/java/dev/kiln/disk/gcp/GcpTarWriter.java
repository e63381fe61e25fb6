package dev.kiln.disk.gcp;

import dev.kiln.core.Sizes;
import dev.kiln.disk.BlockScanner;
import dev.kiln.api.DiskSource;
import dev.kiln.api.Extent;
import dev.kiln.disk.SequentialOutput;
import dev.kiln.disk.WriteOptions;
import dev.kiln.disk.tar.TarHeaders;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * A GCE image file: one member {@code disk.raw}, a GNU oldgnu sparse entry whose map lists the
 * non-zero 4 KiB runs (holes and allocated zeros alike are left out, like GNU tar's
 * {@code --hole-detection=raw}), gzip-compressed on all cores into one stream (Google's documented
 * recipe: {@code tar --format=oldgnu -Sczf}). The disk size is rounded up to whole GiB, which image
 * import expects, unless rounding is off.
 */
public final class GcpTarWriter {

    public static final String MEMBER = "disk.raw";
    static final int RECORD = 20 * TarHeaders.BLOCK;
    private static final int SCAN = 4096;

    private final DiskSource source;
    private final WriteOptions options;

    public GcpTarWriter(DiskSource source, WriteOptions options) {
        this.source = source;
        this.options = options;
    }

    public void write(WritableByteChannel channel, LongConsumer progress) throws IOException {
        long realSize = options.roundSize() ? Sizes.roundUp(Math.max(1, source.size()), 1L << 30) : source.size();
        List<Extent> runs = dataRuns();
        SequentialOutput out = new SequentialOutput(channel);
        try (ParallelGzip gz = new ParallelGzip(out, options.level(), options.threads())) {
            ByteBuffer header = TarHeaders.oldGnuSparse(MEMBER, runs, realSize, options.timestamp().getEpochSecond());
            long tarBytes = header.remaining();
            gz.write(header);
            ByteBuffer buf = dev.kiln.disk.compress.BufferPool.aligned(1 << 20);
            long done = 0;
            for (Extent run : runs) {
                for (long pos = run.offset(); pos < run.end(); pos += buf.capacity()) {
                    buf.clear().limit((int) Math.min(buf.capacity(), run.end() - pos));
                    source.read(pos, buf);
                    done += buf.flip().remaining();
                    gz.write(buf);
                    progress.accept(done);
                }
            }
            tarBytes += done;
            long end = tarBytes + (TarHeaders.BLOCK - tarBytes % TarHeaders.BLOCK) % TarHeaders.BLOCK + 2L * TarHeaders.BLOCK;
            end = Sizes.roundUp(end, RECORD);
            gz.write(ByteBuffer.allocate((int) (end - tarBytes)));
            gz.finish();
        }
    }

    /** Non-zero 4 KiB runs of the disk, merged where they touch, clipped to its size. */
    private List<Extent> dataRuns() throws IOException {
        List<Extent> runs = new ArrayList<>();
        long size = source.size();
        new BlockScanner(source, SCAN).runs((offset, data) -> {
            long end = Math.min(size, offset + data.remaining());
            Extent last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && last.end() == offset) {
                runs.set(runs.size() - 1, new Extent(last.offset(), end - last.offset()));
            } else if (end > offset) {
                runs.add(new Extent(offset, end - offset));
            }
        });
        return runs;
    }
}
