package dev.kiln.api;

import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The disk conversions a provider may need, done by kiln's core and reached through the provider context,
 * so a provider never imports the core's writers. Every method reports progress through {@code events}
 * and costs what the disk's data costs, not its virtual size.
 */
public interface Conversions {

    /** Opens an image file of any disk format kiln reads (raw, qcow2, VHD, VMDK, gcp tar.gz) as its content. */
    DiskSource open(Path file);

    /**
     * Writes {@code disk} as {@code format} (e.g. {@code gcp}, {@code qcow2}, {@code vhd}, {@code vmdk}) to
     * {@code out}, which appears only when complete.
     *
     * @param name the image name, where the format records one (the OVF, the tar entry)
     */
    void write(DiskSource disk, ImageFormat format, Path out, String name, Events events);

    /**
     * Writes {@code disk} as {@code format} to a stream, for formats that are written front to back
     * ({@code vmdk} streamOptimized, {@code qcow2} with its tables first, {@code raw}); returns the bytes written.
     * Each call starts from the beginning of the disk, so a retried upload calls it again.
     */
    long stream(DiskSource disk, ImageFormat format, WritableByteChannel out, String name);

    /**
     * An upper bound of what {@link #stream} writes for {@code disk}, for planning multipart uploads; exact for
     * {@code qcow2} and {@code raw}, so it can be an HTTP body's Content-Length.
     */
    long streamBound(DiskSource disk, ImageFormat format);

    /**
     * The blocks of {@code disk} that hold a non-zero byte, as runs of whole {@code blockSize} blocks in offset order,
     * found by reading its extents once: what a writer that plans its layout before its first byte (a streamed
     * qcow2) needs so that zero blocks inside allocated extents (a file system's zeroed journal) are not stored.
     * Give the result to {@link DiskSource#narrowedTo}.
     */
    List<Extent> dataExtents(DiskSource disk, int blockSize);

    /** An ISO9660 image with {@code files} at its root, e.g. a {@code cidata} or {@code config-2} seed. */
    void writeIso(Path out, String volumeLabel, Map<String, byte[]> files);
}
