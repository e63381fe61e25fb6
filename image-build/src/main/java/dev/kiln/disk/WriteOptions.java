package dev.kiln.disk;

import java.time.Instant;
import java.util.Objects;

/**
 * How {@link DiskImages#write} writes a container.
 *
 * @param threads     compression threads (deflate for VMDK, OVA, GCP, compressed qcow2); output bytes do
 *                    not depend on it
 * @param compression qcow2 cluster compression; other formats ignore it (VMDK and GCP always deflate)
 * @param level       deflate level 1-9 (6 by default, as qemu-img and gzip)
 * @param roundSize   round the virtual size up as the cloud wants it: whole MiB for VHD (Azure), whole GiB
 *                    for RAW (AWS) and GCP; when false a size the format cannot hold is an error
 * @param name        the image name, used inside OVA/OVF and VMDK descriptors
 * @param timestamp   time recorded in headers that have one (VHD, tar, OVF); fixed for reproducible bytes
 */
public record WriteOptions(int threads, Compression compression, int level, boolean roundSize, String name,
                           Instant timestamp) {

    /** 2000-01-01T00:00:00Z, the VHD epoch: the default, so the same input gives the same bytes. */
    public static final Instant FIXED_TIME = Instant.parse("2000-01-01T00:00:00Z");

    public WriteOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        if (level < 1 || level > 9) {
            throw new IllegalArgumentException("deflate level must be 1-9, not " + level);
        }
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(timestamp, "timestamp");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
    }

    /** All cores, no qcow2 compression, level 6, sizes rounded as the clouds want, name "disk". */
    public static WriteOptions defaults() {
        return new WriteOptions(Runtime.getRuntime().availableProcessors(), Compression.NONE, 6, true, "disk",
                FIXED_TIME);
    }

    public WriteOptions withThreads(int n) {
        return new WriteOptions(n, compression, level, roundSize, name, timestamp);
    }

    public WriteOptions withCompression(Compression c) {
        return new WriteOptions(threads, c, level, roundSize, name, timestamp);
    }

    public WriteOptions withLevel(int l) {
        return new WriteOptions(threads, compression, l, roundSize, name, timestamp);
    }

    public WriteOptions withRoundSize(boolean round) {
        return new WriteOptions(threads, compression, level, round, name, timestamp);
    }

    public WriteOptions withName(String n) {
        return new WriteOptions(threads, compression, level, roundSize, n, timestamp);
    }

    public WriteOptions withTimestamp(Instant t) {
        return new WriteOptions(threads, compression, level, roundSize, name, t);
    }
}
