package dev.kiln.disk;

import dev.kiln.api.Extent;

import dev.kiln.api.DiskSource;

import dev.kiln.api.Events;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EdgeCasesTest {

    @TempDir
    Path dir;

    private Path write(DiskFormat format, Path raw, String name, WriteOptions options) throws Exception {
        return TestDisks.convert(format, raw, dir.resolve(name), options);
    }

    @Test
    void emptySixtyFourGibDiskGivesTinyValidImagesInEveryFormat() throws Exception {
        long size = 64L << 30;
        Path raw = TestDisks.sparse(dir.resolve("empty.raw"), size);
        for (DiskFormat f : DiskFormat.values()) {
            Path out = write(f, raw, "empty." + f.id(), WriteOptions.defaults());
            assertThat(Files.size(out) < 1 << 20 || f == DiskFormat.VHD || f == DiskFormat.RAW).as(f.id()).isTrue();
        }
        assertThat(Tools.ok(dir, "qemu-img", "info", "-f", "vpc", dir.resolve("empty.vhd").toString()))
                .contains("virtual size: 64 GiB");
        assertThat(Files.size(dir.resolve("empty.vhd"))).isEqualTo(size + 512);
        for (String[] f : new String[][] {{"qcow2", "qcow2"}, {"dynamic-vhd", "vpc"}, {"vmdk", "vmdk"}}) {
            Path out = dir.resolve("empty." + f[0]);
            assertThat(Tools.ok(dir, "qemu-img", "info", "-f", f[1], out.toString())).contains("virtual size: 64 GiB");
            assertThat(Tools.ok(dir, "qemu-img", "compare", "-f", "raw", "-F", f[1], raw.toString(), out.toString()))
                    .contains("identical");
        }
        Tools.ok(dir, "qemu-img", "check", dir.resolve("empty.qcow2").toString());
        Tools.ok(dir, "qemu-img", "check", dir.resolve("empty.vmdk").toString());
        assertThat(Tools.ok(dir, "tar", "-tvzf", dir.resolve("empty.gcp").toString())).contains(String.valueOf(size));
    }

    @Test
    void allocatedZerosAreNotStored() throws Exception {
        Path raw = dir.resolve("zeros.raw");
        Files.write(raw, new byte[4 << 20]);
        Path q = write(DiskFormat.QCOW2, raw, "z.qcow2", WriteOptions.defaults());
        assertThat(Files.size(q)).as("header, L1, refcount table and block only").isEqualTo(4 * 65536L);
        Path v = write(DiskFormat.VMDK, raw, "z.vmdk", WriteOptions.defaults());
        assertThat(Files.size(v)).isLessThan(128 * 1024L);
    }

    @Test
    void aDiskOfExactlyOneClusterRoundTrips() throws Exception {
        Path raw = dir.resolve("one.raw");
        Files.write(raw, TestDisks.bytes(65536, false, 9));
        for (String[] f : new String[][] {{"qcow2", "qcow2"}, {"vmdk", "vmdk"}, {"dynamic-vhd", "vpc"}}) {
            Path out = write(DiskFormat.of(f[0]), raw, "one." + f[0], WriteOptions.defaults().withRoundSize(false));
            assertThat(Tools.ok(dir, "qemu-img", "compare", "-f", "raw", "-F", f[1], raw.toString(), out.toString()))
                    .as(f[0]).contains("identical");
        }
    }

    @Test
    void incompressibleDataGrowsOnlyByMetadata() throws Exception {
        int n = 8 << 20;
        Path raw = dir.resolve("random.raw");
        Files.write(raw, TestDisks.bytes(n, true, 5));
        Path q = write(DiskFormat.QCOW2, raw, "r.qcow2", WriteOptions.defaults().withCompression(Compression.ZLIB));
        assertThat(Files.size(q)).isLessThanOrEqualTo(n + 5 * 65536L);
        Tools.ok(dir, "qemu-img", "check", q.toString());
        Path g = write(DiskFormat.GCP_TAR_GZ, raw, "r.tar.gz", WriteOptions.defaults().withRoundSize(false));
        assertThat(Files.size(g)).isLessThanOrEqualTo(n + n / 1000 + 20480);
        Path v = write(DiskFormat.VMDK, raw, "r.vmdk", WriteOptions.defaults());
        // each 64 KiB grain may need one more sector for its marker and deflate's stored-block framing
        assertThat(Files.size(v)).isLessThanOrEqualTo(n + (n / 65536) * 512L + 128 * 1024);
        assertThat(Tools.ok(dir, "qemu-img", "compare", "-f", "raw", "-F", "vmdk", raw.toString(), v.toString()))
                .contains("identical");
    }

    @Test
    void aFailedWriteLeavesNoFileBehind() throws Exception {
        Path raw = TestDisks.mixed(dir);
        Path outDir = Files.createDirectory(dir.resolve("out"));
        Path out = outDir.resolve("x.qcow2");
        List<String> atFailure = new ArrayList<>();
        try (DiskSource src = DiskImages.open(raw)) {
            DiskSource failing = new DiskSource() {
                private int reads;

                @Override
                public long size() {
                    return src.size();
                }

                @Override
                public List<Extent> extents() throws IOException {
                    return src.extents();
                }

                @Override
                public void read(long offset, ByteBuffer dst) throws IOException {
                    if (++reads == 3) {
                        try (Stream<Path> files = Files.list(outDir)) {
                            files.forEach(p -> atFailure.add(p.getFileName().toString()));
                        }
                        throw new IOException("the source disk went away");
                    }
                    src.read(offset, dst);
                }

                @Override
                public void close() {
                }
            };
            assertThatThrownBy(() -> DiskImages.write(DiskFormat.QCOW2, failing, out, WriteOptions.defaults(),
                    Events.none())).hasMessageContaining("Tried to write qcow2 image")
                    .hasMessageContaining("the source disk went away");
        }
        assertThat(atFailure).as("the partial file, in the folder listed below, while writing")
                .containsExactly(".x.qcow2.partial");
        try (Stream<Path> files = Files.list(outDir)) {
            assertThat(files).isEmpty();
        }
    }
}
