package dev.kiln.aws;

import dev.kiln.api.KilnException;

/**
 * How a stream of unknown final length is cut into S3 multipart parts, decided before the first
 * byte from an upper bound of that length. S3 takes parts of 5 MiB to 5 GiB, at most 10,000 of them
 * (docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html); parts start at 16 MiB and grow in
 * whole MiB when the bound would need more than 10,000, up to 1 GiB (a part is one Java array), so
 * one object holds up to ~10 TiB. Memory is {@code buffers x partSize}: as
 * many buffers as parts in flight plus the one being filled, fewer when the parts are large, never
 * fewer than two (one filling while one is sent).
 *
 * @param partSize bytes of every part but the last
 * @param parallel parts sent at once
 * @param buffers  part buffers that may exist at once; the producer waits when all are in use
 */
record PartPlan(long partSize, int parallel, int buffers) {

    static final long DEFAULT_FLOOR = 16L << 20;
    static final long MAX_PART = 1L << 30;
    static final int MAX_PARTS = 10_000;
    /** Part buffers stay within this budget unless two parts alone exceed it (streams over ~1.2 TiB). */
    static final long MEMORY = 256L << 20;

    /** Smallest part size; package-private so that tests can cut a small image into several parts. */
    static volatile long floor = DEFAULT_FLOOR;

    static PartPlan forBound(long bound, int parallel) {
        long mib = 1L << 20;
        long fit = (Math.max(bound, 1) + MAX_PARTS - 1) / MAX_PARTS;
        if (fit > MAX_PART) {
            throw KilnException.tried("plan the S3 upload", "the object may reach " + (bound >> 30) + " GiB, more "
                    + "than 10,000 parts of 1 GiB", "use --method ebs-direct, which has no such limit");
        }
        long part = Math.max(floor, (fit + mib - 1) / mib * mib);
        int buffers = (int) Math.max(2, Math.min(parallel + 1L, MEMORY / part));
        return new PartPlan(part, Math.max(1, Math.min(parallel, buffers - 1)), buffers);
    }

    /**
     * Largest streamOptimized VMDK that {@code dataBytes} of grains on a disk of {@code capacity}
     * bytes can make: each 64 KiB grain costs at most its stored-deflate size plus a 12-byte marker,
     * padded to a sector (under 1/64 extra), plus one 2 KiB grain table per 32 MiB of disk, the grain
     * directory, header, descriptor and footer.
     */
    static long vmdkBound(long dataBytes, long capacity) {
        return dataBytes + dataBytes / 64 + capacity / 8192 + (4L << 20);
    }
}
