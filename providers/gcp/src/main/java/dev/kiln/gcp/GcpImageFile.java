package dev.kiln.gcp;

import dev.kiln.api.Conversions;
import dev.kiln.api.DiskSource;
import dev.kiln.api.Events;
import dev.kiln.api.Extent;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.KilnException;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.ScratchSpace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The file GCE imports: a gzip'd oldgnu tar holding one {@code disk.raw}
 * (cloud.google.com/compute/docs/import/import-existing-image). kiln's {@code gcp} output is
 * that file; a raw, qcow2, VHD or VMDK disk is converted to it in the scratch directory first,
 * by the core's {@link Conversions}.
 */
final class GcpImageFile {

    static final Set<ImageFormat> ACCEPTED = ImageFormat.preferred(ImageFormat.GCP, ImageFormat.AWS, ImageFormat.RAW_EFI,
            ImageFormat.RAW_BIOS, ImageFormat.QCOW2_EFI, ImageFormat.QCOW2_BIOS, ImageFormat.VHD,
            ImageFormat.DYNAMIC_VHD, ImageFormat.VMDK);

    private GcpImageFile() {
    }

    /** Refuses a format kiln cannot turn into GCE's tar.gz, or a gcp file that is not gzip, before any request. */
    static void check(PushRequest request) {
        if (!ACCEPTED.contains(request.format())) {
            throw KilnException.usage("push gcp takes the gcp output (NAME.img.tar.gz) or a raw, qcow2, VHD or VMDK disk,"
                    + " not " + request.format().id() + "; build one with 'kiln build -f gcp FILE.yml'");
        }
        if (request.format().equals(ImageFormat.GCP) && !gzip(request.image())) {
            throw KilnException.usage(request.image() + " is not gzip-compressed; GCE imports a tar.gz holding"
                    + " disk.raw, which 'kiln build -f gcp' writes");
        }
    }

    /** The tar.gz to upload: the file itself, or one converted into {@code workDir}. */
    static Path tarGz(PushRequest request, Conversions conversions, Path workDir, Events events) {
        if (request.format().equals(ImageFormat.GCP)) {
            return request.image();
        }
        Path out = workDir.resolve(request.name() + ".img.tar.gz");
        events.info("converting " + request.image().getFileName() + " (" + request.format().id()
                + ") to GCE's disk.raw tar.gz");
        try (DiskSource disk = conversions.open(request.image())) {
            // the tar.gz holds at most the disk's data (compression only makes it smaller), plus headers
            long data = disk.extents().stream().mapToLong(Extent::length).sum();
            ScratchSpace.require(workDir, data + (1L << 20), "convert " + request.image().getFileName()
                    + " to GCE's tar.gz");
            conversions.write(disk, ImageFormat.GCP, out, request.name(), events);
        } catch (IOException e) {
            throw KilnException.tried("read " + request.image(), KilnException.reason(e), "check the file", e);
        }
        return out;
    }

    private static boolean gzip(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(2);
            return magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b;
        } catch (IOException e) {
            throw KilnException.tried("read " + file, KilnException.reason(e), "check the path and its permissions");
        }
    }
}
