package dev.kiln.boot;

import dev.kiln.api.ByteSize;
import dev.kiln.api.KilnException;
import dev.kiln.core.Sizes;

import java.util.OptionalLong;

/** The size of a disk: {@code --size} when given (checked to fit), else the smallest whole unit that fits. */
final class DiskSizes {

    static final long MIB = 1L << 20;
    static final long GIB = 1L << 30;

    private DiskSizes() {
    }

    static long choose(long needed, long unit, OptionalLong requested, String what) {
        if (requested.isEmpty()) {
            return Sizes.roundUp(needed, unit);
        }
        long size = requested.getAsLong();
        if (size < needed) {
            throw KilnException.usage("--size " + ByteSize.format(size) + " is too small: the " + what + " image needs at least "
                    + ByteSize.formatMiB(needed));
        }
        if (size % 512 != 0) {
            throw KilnException.usage("--size must be a multiple of 512 bytes, not " + ByteSize.format(size));
        }
        return size;
    }
}
