package dev.kiln.disk;

import dev.kiln.api.DiskSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Random;

/** Sparse raw fixture files with data where a test puts it. */
public final class TestDisks {

    private TestDisks() {
    }

    /** Converts the raw disk {@code raw} into {@code out} as {@code format}, as kiln convert does. */
    public static Path convert(DiskFormat format, Path raw, Path out, WriteOptions options) throws IOException {
        try (DiskSource src = DiskImages.open(raw)) {
            DiskImages.write(format, src, out, options, dev.kiln.api.Events.none());
        }
        return out;
    }

    /** A sparse file of {@code size} bytes. */
    public static Path sparse(Path file, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
        return file;
    }

    /** Writes {@code length} bytes at {@code offset}: text-like (compressible) or random. */
    public static void data(Path file, long offset, int length, boolean random, long seed) throws IOException {
        byte[] b = bytes(length, random, seed);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            f.write(b);
        }
    }

    public static byte[] bytes(int length, boolean random, long seed) {
        byte[] b = new byte[length];
        Random r = new Random(seed);
        if (random) {
            r.nextBytes(b);
        } else {
            String words = "kiln builds minimal immutable linux images qcow2 vmdk vhd gcp aws ";
            for (int i = 0; i < length; i++) {
                b[i] = (byte) (r.nextInt(8) == 0 ? r.nextInt(256) : words.charAt((i * 7 + (int) seed) % words.length()));
            }
        }
        return b;
    }

    /** A typical test disk: 64 MiB + 3 KiB (a partial last cluster), data at the start, middle, and end. */
    public static Path mixed(Path dir) throws IOException {
        Path f = sparse(dir.resolve("mixed.raw"), (64L << 20) + 3072);
        data(f, 0, 300_000, false, 1);
        data(f, 5L << 20, 70_000, true, 2);
        data(f, (33L << 20) + 512, 4096, false, 3);
        data(f, (64L << 20) + 1024, 2048, false, 4);
        return f;
    }
}
