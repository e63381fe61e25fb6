package dev.kiln.spi;

import dev.kiln.api.KilnException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The free-space check before a whole-disk conversion in the scratch folder ({@code --work-dir},
 * {@code KILN_WORK_DIR}): failing before the first byte is written beats failing half-way through
 * a multi-GB write, and the message says how much room is needed and how to put it elsewhere.
 */
public final class ScratchSpace {

    private ScratchSpace() {
    }

    /** Refuses when {@code dir}'s file system has less than {@code needed} bytes usable. */
    public static void require(Path dir, long needed, String what) {
        long usable;
        try {
            usable = Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            throw KilnException.tried("check the free space in " + dir + " for " + what, KilnException.reason(e),
                    "pass --work-dir DIR (or set KILN_WORK_DIR) to a writable folder", e);
        }
        if (usable < needed) {
            throw KilnException.tried(what + " in " + dir, "it needs up to " + size(needed) + " there and only "
                    + size(usable) + " is free", "free some space, or pass --work-dir DIR (or set KILN_WORK_DIR)"
                    + " to a folder with " + size(needed) + " free");
        }
    }

    /** Bytes in the largest binary unit that keeps a whole number before the point, e.g. "1.5 GiB". */
    static String size(long bytes) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " bytes" : String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
