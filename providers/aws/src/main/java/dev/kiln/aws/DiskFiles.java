package dev.kiln.aws;

import dev.kiln.build.Format;
import dev.kiln.core.KilnException;
import dev.kiln.disk.DiskSource;
import dev.kiln.disk.RawDiskSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/** Opens an image file as the virtual disk it holds, whatever container format it comes in. */
final class DiskFiles {

    /** The formats {@code push aws} reads. */
    static final Set<Format> ACCEPTS = EnumSet.of(Format.AWS, Format.RAW_EFI, Format.RAW_BIOS);

    private DiskFiles() {
    }

    static DiskSource open(Path file, Format format) throws IOException {
        if (!ACCEPTS.contains(format)) {
            throw KilnException.usage("push aws reads " + ACCEPTS + " images, not " + format
                    + "; build one with 'kiln build -f aws'");
        }
        return new RawDiskSource(file);
    }
}
