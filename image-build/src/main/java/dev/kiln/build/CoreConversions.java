package dev.kiln.build;

import dev.kiln.api.Conversions;
import dev.kiln.api.DiskSource;
import dev.kiln.api.Events;
import dev.kiln.api.Extent;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.KilnException;
import dev.kiln.boot.iso.SeedIso;
import dev.kiln.disk.BlockScanner;
import dev.kiln.disk.DiskFormat;
import dev.kiln.disk.DiskImages;
import dev.kiln.disk.WriteOptions;
import dev.kiln.disk.qcow2.Qcow2Stream;
import dev.kiln.disk.vmdk.StreamVmdkWriter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The core's conversions as providers reach them through their context. */
public final class CoreConversions implements Conversions {

    @Override
    public DiskSource open(Path file) {
        return DiskImages.open(file);
    }

    @Override
    public void write(DiskSource disk, ImageFormat format, Path out, String name, Events events) {
        events.phase("write " + format.id() + " " + out.getFileName());
        DiskImages.write(diskFormat(format), disk, out, WriteOptions.defaults().withName(name), events);
    }

    @Override
    public List<Extent> dataExtents(DiskSource disk, int blockSize) {
        List<Extent> runs = new ArrayList<>();
        try {
            new BlockScanner(disk, blockSize).readAhead(WriteOptions.defaults().threads()).runs((offset, data) -> {
                int last = runs.size() - 1;
                if (last >= 0 && runs.get(last).end() == offset) {
                    runs.set(last, new Extent(runs.get(last).offset(), runs.get(last).length() + data.limit()));
                } else {
                    runs.add(new Extent(offset, data.limit()));
                }
            });
        } catch (IOException e) {
            throw KilnException.tried("read the disk's data", KilnException.reason(e), "check the image file", e);
        }
        return runs;
    }

    @Override
    public long stream(DiskSource disk, ImageFormat format, WritableByteChannel out, String name) {
        try {
            if (format.equals(ImageFormat.VMDK)) {
                return new StreamVmdkWriter(disk, WriteOptions.defaults().withName(name)).write(out, n -> { });
            }
            if (format.equals(ImageFormat.RAW)) {
                return copyRaw(disk, out);
            }
            if (format.equals(ImageFormat.QCOW2)) {
                return new Qcow2Stream(disk).readAhead(WriteOptions.defaults().threads()).write(out);
            }
        } catch (IOException e) {
            throw KilnException.tried("write " + format + " of " + name, KilnException.reason(e),
                    "check the image file and the destination", e);
        }
        throw KilnException.usage("kiln streams vmdk, qcow2 and raw only, not " + format);
    }

    @Override
    public long streamBound(DiskSource disk, ImageFormat format) {
        if (format.equals(ImageFormat.RAW)) {
            return disk.size();
        }
        try {
            if (format.equals(ImageFormat.QCOW2)) {
                return new Qcow2Stream(disk).length();
            }
            long data = disk.extents().stream().mapToLong(Extent::length).sum();
            // grains deflate to at most their size plus headers; grain tables and directory; footer
            return data + data / 64 + disk.size() / 8192 + (4L << 20);
        } catch (IOException e) {
            throw KilnException.tried("read the extents of the disk", KilnException.reason(e), "check the file", e);
        }
    }

    @Override
    public void writeIso(Path out, String volumeLabel, Map<String, byte[]> files) {
        try {
            SeedIso.write(out, volumeLabel, files);
        } catch (IOException e) {
            throw KilnException.tried("write the " + volumeLabel + " ISO " + out, KilnException.reason(e),
                    "check the directory is writable and has space", e);
        }
    }

    private static DiskFormat diskFormat(ImageFormat format) {
        return DiskFormat.of(format.id());
    }

    private static long copyRaw(DiskSource disk, WritableByteChannel out) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        long pos = 0;
        while (pos < disk.size()) {
            buf.clear().limit((int) Math.min(buf.capacity(), disk.size() - pos));
            disk.read(pos, buf);
            buf.flip();
            while (buf.hasRemaining()) {
                out.write(buf);
            }
            pos += buf.limit();
        }
        return pos;
    }
}
