package dev.kiln.aws;

import dev.kiln.build.Format;
import dev.kiln.api.KilnException;
import dev.kiln.disk.DiskImages;
import dev.kiln.api.DiskSource;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * Opens an image file as the virtual disk it holds (raw, qcow2, fixed or dynamic VHD), so a push
 * converts on the fly and reads only the data extents.
 */
final class DiskFiles {

    /** The formats {@code push aws} reads. */
    static final Set<Format> ACCEPTS = EnumSet.of(Format.AWS, Format.RAW_EFI, Format.RAW_BIOS, Format.QCOW2_EFI,
            Format.QCOW2_BIOS, Format.VHD, Format.DYNAMIC_VHD, Format.VMDK);

    private DiskFiles() {
    }

    static DiskSource open(Path file, Format format) {
        if (!ACCEPTS.contains(format)) {
            throw KilnException.usage("push aws reads " + ACCEPTS + " images, not " + format
                    + "; build one with 'kiln build -f aws'");
        }
        return DiskImages.open(file);
    }
}
