package dev.kiln.disk;

import dev.kiln.api.DiskSource;

import dev.kiln.build.ContentDigest;
import dev.kiln.build.Format;
import dev.kiln.core.Digests;
import dev.kiln.disk.compress.BlockCompressor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every container of one disk carries the disk's digest, whichever deflate backend wrote it: the
 * identity a re-push finds an image by does not depend on the machine that built it.
 */
class OneDigestPerDiskTest {

    private static final Map<DiskFormat, Format> AS_BUILT = new LinkedHashMap<>();

    static {
        AS_BUILT.put(DiskFormat.RAW, Format.AWS);
        AS_BUILT.put(DiskFormat.QCOW2, Format.QCOW2_BIOS);
        AS_BUILT.put(DiskFormat.VHD, Format.VHD);
        AS_BUILT.put(DiskFormat.DYNAMIC_VHD, Format.DYNAMIC_VHD);
        AS_BUILT.put(DiskFormat.VMDK, Format.VMDK);
        AS_BUILT.put(DiskFormat.OVA, Format.OVA);
        AS_BUILT.put(DiskFormat.GCP_TAR_GZ, Format.GCP);
    }

    @TempDir
    Path dir;

    @Test
    void rawAndEveryContainerOfOneDiskGiveOneDigestOnTheJdkDeflatePath() throws Exception {
        Path raw = disk();
        String expected = ContentDigest.of(raw, Format.RAW_EFI);

        Map<DiskFormat, String> digests = withJdkDeflate(() -> digests(raw, "jdk"));

        assertThat(digests).allSatisfy((f, d) -> assertThat(d).as(f.id()).isEqualTo(expected));
        assertThat(expected).startsWith("blocks-sha256:");
    }

    @Test
    void libdeflateAndTheJdkWriteDifferentBytesButTheSameDigests() throws Exception {
        assumeTrue(BlockCompressor.nativeAvailable(), "libdeflate is not installed; install the Debian package"
                + " libdeflate0 to compare it with the JDK's deflate");
        Path raw = disk();

        Map<DiskFormat, String> jdk = withJdkDeflate(() -> digests(raw, "jdk"));
        Map<DiskFormat, String> native_ = digests(raw, "native");

        assertThat(native_).isEqualTo(jdk);
        assertThat(Digests.sha256Hex(dir.resolve("native.vmdk"))).isNotEqualTo(Digests.sha256Hex(dir.resolve("jdk.vmdk")));
        assertThat(Digests.sha256Hex(dir.resolve("native.gcp"))).isNotEqualTo(Digests.sha256Hex(dir.resolve("jdk.gcp")));
    }

    @Test
    void theGcpReaderReadsBackwardsByStartingTheStreamAgain() throws Exception {
        Path raw = disk();
        Path gcp = TestDisks.convert(DiskFormat.GCP_TAR_GZ, raw, dir.resolve("d.tar.gz"), WriteOptions.defaults());
        try (DiskSource tar = DiskImages.open(gcp); DiskSource plain = DiskImages.open(raw)) {
            for (long at : new long[] {(33L << 20) + 100, 4096, 600L << 20, 5L << 20}) {
                ByteBuffer a = ByteBuffer.allocate(300_000);
                ByteBuffer b = ByteBuffer.allocate(300_000);
                tar.read(at, a);
                plain.read(at, b);
                assertThat(a.array()).as("at " + at).isEqualTo(b.array());
            }
            assertThat(tar.size()).isEqualTo(1L << 30);
        }
    }

    /** A 1 GiB disk (every cloud's whole unit, so no format pads it) with compressible and random data. */
    private Path disk() throws Exception {
        Path f = TestDisks.sparse(dir.resolve("disk.raw"), 1L << 30);
        TestDisks.data(f, 0, 300_000, false, 1);
        TestDisks.data(f, 5L << 20, 700_000, true, 2);
        TestDisks.data(f, (33L << 20) + 512, 4096, false, 3);
        TestDisks.data(f, (1L << 30) - 70_000, 70_000, false, 4);
        return f;
    }

    private Map<DiskFormat, String> digests(Path raw, String prefix) throws Exception {
        Map<DiskFormat, String> out = new LinkedHashMap<>();
        for (Map.Entry<DiskFormat, Format> e : AS_BUILT.entrySet()) {
            Path file = dir.resolve(prefix + "." + e.getKey().id());
            WriteOptions options = WriteOptions.defaults().withName("disk");
            if (e.getKey() == DiskFormat.QCOW2) {
                options = options.withCompression(Compression.of("zlib"));
            }
            TestDisks.convert(e.getKey(), raw, file, options);
            out.put(e.getKey(), ContentDigest.of(file, e.getValue()));
        }
        return out;
    }

    @FunctionalInterface
    private interface Work<T> {
        T run() throws Exception;
    }

    private static <T> T withJdkDeflate(Work<T> work) throws Exception {
        String before = System.setProperty(BlockCompressor.DISABLE, "true");
        try {
            assertThat(BlockCompressor.backend()).isEqualTo("java.util.zip");
            return work.run();
        } finally {
            if (before == null) {
                System.clearProperty(BlockCompressor.DISABLE);
            } else {
                System.setProperty(BlockCompressor.DISABLE, before);
            }
        }
    }
}
