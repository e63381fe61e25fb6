package dev.kiln.aws;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Random;

/** Sparse raw disks with data in chosen 512 KiB blocks. */
final class TestImages {

    static final int BLOCK = 524288;

    private TestImages() {
    }

    /** A disk of {@code size} bytes where each listed block holds a little data (the rest of it zero). */
    static Path disk(Path dir, String name, long size, int... blocks) throws IOException {
        Path file = dir.resolve(name + ".raw");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
            for (int b : blocks) {
                byte[] data = new byte[1000];
                for (int i = 0; i < data.length; i++) {
                    data[i] = (byte) (b * 7 + i * 13 + 1);
                }
                raf.seek((long) b * BLOCK + 4096);
                raf.write(data);
            }
        }
        return file;
    }

    /** A disk of {@code size} bytes with {@code mib} MiB of incompressible data at each listed MiB offset. */
    static Path random(Path dir, String name, long size, int mib, long seed, int... offsetsMib) throws IOException {
        Path file = dir.resolve(name + ".raw");
        Random random = new Random(seed);
        byte[] data = new byte[mib << 20];
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
            for (int at : offsetsMib) {
                random.nextBytes(data);
                raf.seek((long) at << 20);
                raf.write(data);
            }
        }
        return file;
    }
}
