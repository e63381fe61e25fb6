package dev.kiln.openstack;

import dev.kiln.api.DiskSource;
import dev.kiln.api.Events;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.KilnException;
import dev.kiln.spi.PushRequest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Which file goes to Glance and with which {@code disk_format}, from kiln's own format (never the file's extension):
 * qcow2 as it is; a raw disk converted to qcow2 first (only its data is written); VHD, VMDK and ISO as they are.
 */
final class GlanceImageFile {

    static final Set<ImageFormat> ACCEPTED = ImageFormat.preferred(ImageFormat.QCOW2_EFI, ImageFormat.QCOW2_BIOS, ImageFormat.QCOW2,
            ImageFormat.RAW_EFI, ImageFormat.RAW_BIOS, ImageFormat.RAW, ImageFormat.VHD, ImageFormat.DYNAMIC_VHD,
            ImageFormat.VMDK, ImageFormat.ISO_EFI, ImageFormat.ISO_BIOS, ImageFormat.ISO_EFI_INITRD);

    private static final Map<String, String> DISK_FORMAT = Map.ofEntries(
            Map.entry("qcow2-efi", "qcow2"), Map.entry("qcow2-bios", "qcow2"), Map.entry("qcow2", "qcow2"),
            Map.entry("raw-efi", "raw"), Map.entry("raw-bios", "raw"), Map.entry("raw", "raw"),
            Map.entry("vhd", "vhd"), Map.entry("dynamic-vhd", "vhd"), Map.entry("vmdk", "vmdk"),
            Map.entry("iso-efi", "iso"), Map.entry("iso-bios", "iso"), Map.entry("iso-efi-initrd", "iso"));

    /** The file to send, its Glance disk_format, and the disk's virtual size in bytes. */
    record Upload(Path file, String diskFormat, long virtualSize, boolean converted) {
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
        if (format.equals("iso")) {
            return new Upload(request.image(), format, request.image().toFile().length(), false);
        }
        try (DiskSource disk = conversions.open(request.image())) {
            return new Upload(request.image(), format, disk.size(), false);
        } catch (IOException e) {
            throw KilnException.tried("read " + request.image(), KilnException.reason(e), "check the file", e);
        }
    }

    /**
     * The upload for {@code request}: raw disks become qcow2 in {@code workDir} through kiln's conversions unless
     * {@code convert} is false (a dry run), so Glance stores and Nova copies only the data.
     */
    static Upload prepare(PushRequest request, dev.kiln.api.Conversions conversions, Path workDir, Events events,
                          boolean convert) {
        String format = diskFormat(request.format());
        long virtual;
        if (format.equals("iso")) {
            virtual = request.image().toFile().length();
            return new Upload(request.image(), format, virtual, false);
        }
        try (DiskSource disk = conversions.open(request.image())) {
            virtual = disk.size();
            if (format.equals("raw") && convert) {
                Path out = workDir.resolve(request.name().replaceAll("[^A-Za-z0-9._-]", "_") + ".qcow2");
                events.info("converting the raw disk to qcow2 (only its data is written) before the upload");
                conversions.write(disk, ImageFormat.QCOW2, out, request.name(), events);
                return new Upload(out, "qcow2", virtual, true);
            }
            return new Upload(request.image(), format.equals("raw") ? "qcow2" : format, virtual, false);
        } catch (IOException e) {
            throw KilnException.tried("read " + request.image(), KilnException.reason(e), "check the file", e);
        }
    }
}
