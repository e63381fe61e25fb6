package dev.kiln.aws;

import dev.kiln.api.Conversions;
import dev.kiln.api.DiskSource;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.KilnException;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Opens an image file as the virtual disk it holds (raw, qcow2, fixed or dynamic VHD), so a push
 * converts on the fly and reads only the data extents.
 */
final class DiskFiles {

    /** The formats {@code push aws} reads. */
    static final Set<ImageFormat> ACCEPTS = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(List.of(
            ImageFormat.AWS, ImageFormat.RAW_EFI, ImageFormat.RAW_BIOS, ImageFormat.QCOW2_EFI, ImageFormat.QCOW2_BIOS,
            ImageFormat.VHD, ImageFormat.DYNAMIC_VHD, ImageFormat.VMDK)));

    private DiskFiles() {
    }

    static DiskSource open(Conversions conversions, Path file, ImageFormat format) {
        if (!ACCEPTS.contains(format)) {
            throw KilnException.usage("push aws reads " + ACCEPTS + " images, not " + format
                    + "; build one with 'kiln build -f aws'");
        }
        return conversions.open(file);
    }
}
