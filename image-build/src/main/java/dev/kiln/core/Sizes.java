package dev.kiln.core;

/** Size arithmetic shared by the disk and boot writers. */
public final class Sizes {

    private Sizes() {
    }

    /** {@code n} rounded up to a multiple of {@code unit}. */
    public static long roundUp(long n, long unit) {
        return (n + unit - 1) / unit * unit;
    }
}
