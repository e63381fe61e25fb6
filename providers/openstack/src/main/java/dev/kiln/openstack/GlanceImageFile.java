package dev.kiln.openstack;

import dev.kiln.api.DiskSource;
import dev.kiln.api.Events;
import dev.kiln.api.Extent;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.KilnException;
import dev.kiln.spi.PushRequest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What goes to Glance and with which {@code disk_format}, from kiln's own format (never the file's extension):
 * qcow2 as it is; a raw disk as qcow2 generated while it is sent (only its data, no temp copy); VHD, VMDK and ISO as
 * they are.
 */
final class GlanceImageFile {

    /** qcow2's cluster, the unit in which it stores data. */
    private static final int QCOW2_CLUSTER = 64 * 1024;

    static final Set<ImageFormat> ACCEPTED = ImageFormat.preferred(ImageFormat.QCOW2_EFI, ImageFormat.QCOW2_BIOS, ImageFormat.QCOW2,
            ImageFormat.RAW_EFI, ImageFormat.RAW_BIOS, ImageFormat.RAW, ImageFormat.VHD, ImageFormat.DYNAMIC_VHD,
            ImageFormat.VMDK, ImageFormat.ISO_EFI, ImageFormat.ISO_BIOS, ImageFormat.ISO_EFI_INITRD);

    private static final Map<String, String> DISK_FORMAT = Map.ofEntries(
            Map.entry("qcow2-efi", "qcow2"), Map.entry("qcow2-bios", "qcow2"), Map.entry("qcow2", "qcow2"),
            Map.entry("raw-efi", "raw"), Map.entry("raw-bios", "raw"), Map.entry("raw", "raw"),
            Map.entry("vhd", "vhd"), Map.entry("dynamic-vhd", "vhd"), Map.entry("vmdk", "vmdk"),
            Map.entry("iso-efi", "iso"), Map.entry("iso-bios", "iso"), Map.entry("iso-efi-initrd", "iso"));

    /**
     * The image file, its Glance disk_format, the disk's virtual size in bytes, and the bytes an upload sends (the
     * file, or the raw file's qcow2 generated on the way).
     */
    record Upload(Path file, String diskFormat, long virtualSize, ImageBody body) {
    }

    private GlanceImageFile() {
    }

    static void check(PushRequest request) {
        if (!ACCEPTED.contains(request.format())) {
            throw KilnException.usage("push openstack takes a qcow2, raw, VHD, VMDK or ISO output, not "
                    + request.format().id() + "; build one with 'kiln build -f qcow2-efi FILE.yml'");
        }
    }

    static String diskFormat(ImageFormat format) {
        return DISK_FORMAT.get(format.id());
    }

    /** The file as it is, with its own disk_format (raw stays raw): what a --source-url serves for web-download. */
    static Upload asIs(PushRequest request, dev.kiln.api.Conversions conversions) {
        String format = diskFormat(request.format());
        try {
            ImageBody body = ImageBody.file(request.image());
            if (format.equals("iso")) {
                return new Upload(request.image(), format, body.size(), body);
            }
            try (DiskSource disk = conversions.open(request.image())) {
                return new Upload(request.image(), format, disk.size(), body);
            }
        } catch (IOException e) {
            throw KilnException.tried("read " + request.image(), KilnException.reason(e), "check the file", e);
        }
    }

    /**
     * The upload for {@code request}: a raw disk goes as qcow2, so Glance stores and Nova copies only the data. It is
     * generated while it is sent ({@link ImageBody#qcow2}), with nothing written; only when kiln serves the file for
     * a web-download import ({@code served}), which Glance fetches by URL, is the qcow2 written to {@code workDir},
     * and not in a dry run ({@code convert} false).
     */
    static Upload prepare(PushRequest request, dev.kiln.api.Conversions conversions, Path workDir, Events events,
                          boolean convert, boolean served) {
        String format = diskFormat(request.format());
        try {
            if (format.equals("iso")) {
                ImageBody body = ImageBody.file(request.image());
                return new Upload(request.image(), format, body.size(), body);
            }
            try (DiskSource disk = conversions.open(request.image())) {
                long virtual = disk.size();
                if (!format.equals("raw")) {
                    return new Upload(request.image(), format, virtual, ImageBody.file(request.image()));
                }
                if (served && convert) {
                    Path out = workDir.resolve(request.name().replaceAll("[^A-Za-z0-9._-]", "_") + ".qcow2");
                    events.info("converting the raw disk to qcow2 (only its data is written) for Glance to fetch");
                    conversions.write(disk, ImageFormat.QCOW2, out, request.name(), events);
                    return new Upload(out, "qcow2", virtual, ImageBody.file(out));
                }
                // a dry run reads no data: its size is planned from the extents, an upper bound
                List<Extent> data = convert ? dataOf(disk, conversions, events) : disk.extents();
                long bytes = conversions.streamBound(disk.narrowedTo(data), ImageFormat.QCOW2);
                return new Upload(request.image(), "qcow2", virtual,
                        ImageBody.qcow2(request.image(), data, conversions, request.name(), bytes));
            }
        } catch (IOException e) {
            throw KilnException.tried("read " + request.image(), KilnException.reason(e), "check the file", e);
        }
    }

    private static List<Extent> dataOf(DiskSource disk, dev.kiln.api.Conversions conversions, Events events) {
        events.info("finding the data in the raw disk (the qcow2 sent stores its non-zero clusters only)");
        return conversions.dataExtents(disk, QCOW2_CLUSTER);
    }
}
