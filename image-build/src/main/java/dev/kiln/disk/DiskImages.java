package dev.kiln.disk;

import dev.kiln.api.DiskSource;

import dev.kiln.core.Sizes;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.disk.gcp.GcpTarSource;
import dev.kiln.disk.gcp.GcpTarWriter;
import dev.kiln.disk.qcow2.Qcow2Source;
import dev.kiln.disk.qcow2.Qcow2Writer;
import dev.kiln.disk.vhd.DynamicVhdWriter;
import dev.kiln.disk.vhd.FixedVhdWriter;
import dev.kiln.disk.vhd.VhdSource;
import dev.kiln.disk.vmdk.OvaSource;
import dev.kiln.disk.vmdk.OvaWriter;
import dev.kiln.disk.vmdk.StreamVmdkWriter;
import dev.kiln.disk.vmdk.VmdkSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The entry point for disk containers: open an image whatever its container, write a {@link DiskSource}
 * in any {@link DiskFormat}. Writers stream with bounded memory and cost what the data costs.
 */
public final class DiskImages {

    private static final long GIB = 1L << 30;

    private DiskImages() {
    }

    /**
     * Loads the native helpers (lseek for holes, libdeflate) now. A command line calls this on a
     * spare core while it parses its arguments, so a short conversion does not wait for them.
     */
    public static void preload() {
        FileHoles.nativeAvailable();
        dev.kiln.disk.compress.BlockCompressor.backend();
    }

    /**
     * Opens a raw, qcow2, VHD (fixed or dynamic), sparse VMDK, OVA (its one VMDK, read in place) or GCE
     * tar.gz ({@code disk.raw}, read in one forward pass) image, detected from its bytes.
     */
    public static DiskSource open(Path path) {
        try {
            return switch (detect(path)) {
                case QCOW2 -> Qcow2Source.open(path);
                case VHD, DYNAMIC_VHD -> VhdSource.open(path);
                case VMDK -> VmdkSource.open(path);
                case OVA -> OvaSource.open(path);
                case GCP_TAR_GZ -> GcpTarSource.open(path);
                case RAW -> new RawDiskSource(path);
                default -> throw KilnException.tried("open " + path, "kiln cannot read that container yet",
                        "convert it to raw or qcow2 with qemu-img first");
            };
        } catch (IOException e) {
            throw KilnException.tried("open disk image " + path, KilnException.reason(e),
                    "check the file exists and is readable", e);
        }
    }

    /**
     * The container of an image file, from its magic numbers: qcow2, VHD footer/copy, gzip (a GCE image
     * file), tar (an OVA), VMDK sparse extent header or descriptor text, else raw.
     */
    public static DiskFormat detect(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(512);
            Channels.readFully(ch, head, 0);
            if (head.getInt(0) == 0x514649fb) {
                return DiskFormat.QCOW2;
            }
            if (ascii(head, 0, 8).equals("conectix")) {
                return DiskFormat.DYNAMIC_VHD;
            }
            if (ch.size() >= 512) {
                ByteBuffer tail = ByteBuffer.allocate(512);
                Channels.readFully(ch, tail, ch.size() - 512);
                if (ascii(tail, 0, 8).equals("conectix")) {
                    return tail.getInt(60) == 2 ? DiskFormat.VHD : DiskFormat.DYNAMIC_VHD;
                }
            }
            if (GcpTarSource.isGzip(head)) {
                return DiskFormat.GCP_TAR_GZ;
            }
            if (OvaSource.isTar(head)) {
                return DiskFormat.OVA;
            }
            if (head.getInt(0) == 0x4b444d56 || ascii(head, 0, 21).equals(VmdkSource.DESCRIPTOR_FILE)) {
                return DiskFormat.VMDK;
            }
            return DiskFormat.RAW;
        }
    }

    private static String ascii(ByteBuffer b, int from, int len) {
        byte[] bytes = new byte[len];
        b.get(from, bytes);
        return new String(bytes, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * Writes {@code source} as {@code format} to {@code out}. The file appears only when complete: it is
     * written beside {@code out} and moved into place, and removed again on failure or interruption. The caller
     * announces the output (one "write FORMAT FILE" line per output, however many steps make it).
     */
    public static void write(DiskFormat format, DiskSource source, Path out, WriteOptions options, Events events) {
        Path target = out.toAbsolutePath();
        Path partial = target.resolveSibling("." + target.getFileName() + ".partial");
        try {
            Files.deleteIfExists(partial);
            warnIfCloudRefuses(format, source.size(), options, events);
            DiskSource padded = GptPad.pad(source, paddedSize(format, source.size(), options), events);
            writeTo(format, padded, partial, options, events);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(partial);
            throw KilnException.tried("write " + format.id() + " image " + out, KilnException.reason(e),
                    "check the disk has space and the directory is writable", e);
        } catch (dev.kiln.limits.FieldOverflowException e) {
            deleteQuietly(partial);
            throw KilnException.tried("write " + format.id() + " image " + out, e.getMessage(),
                    "the disk is too large for this format; choose another format (raw, qcow2) or a smaller disk", e);
        } catch (RuntimeException | Error e) {
            deleteQuietly(partial);
            throw e;
        }
    }

    private static void writeTo(DiskFormat format, DiskSource source, Path path, WriteOptions options, Events events)
            throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ)) {
            Progress progress = new Progress(events, "write " + format.id(),
                    new BlockScanner(source, 1 << 16).scanBytes());
            switch (format) {
                case RAW -> RawWriter.write(source, ch, rawSize(source.size(), options), options.threads(), progress::at);
                case QCOW2 -> new Qcow2Writer(source, ch, options).write(events, progress::at);
                case VHD -> new FixedVhdWriter(source, ch, options).write(progress::at);
                case DYNAMIC_VHD -> new DynamicVhdWriter(source, ch, options).write(progress::at);
                case VMDK -> new StreamVmdkWriter(source, options).write(ch, progress::at);
                case OVA -> new OvaWriter(source, options).write(ch, path.getParent(), progress::at);
                case GCP_TAR_GZ -> new GcpTarWriter(source, options).write(ch, progress::at);
            }
            progress.done();
        }
    }

    /**
     * The virtual size {@code format} writes for a disk of {@code size} bytes: whole GiB for raw (AWS) and
     * gcp, whole MiB for VHDs (Azure) when rounding, else whole 512-byte sectors.
     */
    static long paddedSize(DiskFormat format, long size, WriteOptions options) {
        return switch (format) {
            case RAW, GCP_TAR_GZ -> options.roundSize() ? rawSize(size, options) : Sizes.roundUp(size, 512);
            case VHD, DYNAMIC_VHD -> Sizes.roundUp(Math.max(size, 1), options.roundSize() ? 1L << 20 : 512);
            default -> Sizes.roundUp(size, 512);
        };
    }

    /** Without rounding, a size the cloud refuses is written as asked, and said. */
    private static void warnIfCloudRefuses(DiskFormat format, long size, WriteOptions options, Events events) {
        if (options.roundSize()) {
            return;
        }
        if (format == DiskFormat.VHD && size % (1L << 20) != 0) {
            events.warn("This VHD's virtual size, " + size + " bytes, is not a whole number of MiB, and Azure"
                    + " refuses such a VHD (it must be N MiB plus its 512-byte footer); leave out --exact-size to"
                    + " round it up");
        }
        if (format == DiskFormat.GCP_TAR_GZ && size % GIB != 0) {
            events.warn("This disk.raw is " + size + " bytes, not a whole number of GiB, which GCE image import"
                    + " requires; leave out --exact-size to round it up");
        }
    }

    /** The raw size: whole GiB when rounding (AWS wants whole-GiB volumes), else the source size. */
    static long rawSize(long size, WriteOptions options) {
        return options.roundSize() ? Sizes.roundUp(Math.max(size, 1), GIB) : size;
    }

    /** {@code n} rounded up to a multiple of {@code unit}. */

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the original failure is what the operator needs to see
        }
    }
}
