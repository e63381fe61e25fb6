package dev.kiln.disk;

import dev.kiln.api.DiskSource;

import dev.kiln.api.Events;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class Qcow2WriterTest {

    @TempDir
    Path dir;

    private Path convert(Path raw, WriteOptions options, String name) throws Exception {
        Path out = dir.resolve(name);
        try (DiskSource src = DiskImages.open(raw)) {
            DiskImages.write(DiskFormat.QCOW2, src, out, options, Events.none());
        }
        return out;
    }

    @Test
    void writesAnImageQemuImgChecksCleanAndFindsIdentical() throws Exception {
        Path raw = TestDisks.mixed(dir);
        Path out = convert(raw, WriteOptions.defaults(), "out.qcow2");
        Tools.ok(dir, "qemu-img", "check", out.toString());
        assertThat(Tools.ok(dir, "qemu-img", "compare", "-f", "raw", "-F", "qcow2", raw.toString(), out.toString()))
                .contains("identical");
        String info = Tools.ok(dir, "qemu-img", "info", "--output=json", out.toString());
        assertThat(info).contains("\"virtual-size\": " + Files.size(raw)).contains("\"compat\": \"1.1\"")
                .contains("\"cluster-size\": 65536");
    }

    @Test
    void storesOnlyNonZeroClusters() throws Exception {
        Path raw = TestDisks.mixed(dir);
        Path out = convert(raw, WriteOptions.defaults(), "out.qcow2");
        // data touches 5 + 2 + 1 + 1 clusters; metadata is header, one L2, L1, refcount table and block
        assertThat(Files.size(out)).isEqualTo((9 + 5) * 65536L);
    }

    @Test
    void compressesWithZlibAndZstdReadableByQemu() throws Exception {
        Path raw = TestDisks.mixed(dir);
        for (Compression c : new Compression[] {Compression.ZLIB, Compression.ZSTD}) {
            Path out = convert(raw, WriteOptions.defaults().withCompression(c), "c-" + c + ".qcow2");
            Tools.ok(dir, "qemu-img", "check", out.toString());
            assertThat(Tools.ok(dir, "qemu-img", "compare", "-f", "raw", "-F", "qcow2", raw.toString(), out.toString()))
                    .contains("identical");
            assertThat(Tools.ok(dir, "qemu-img", "info", out.toString()))
                    .contains("compression type: " + c.name().toLowerCase());
        }
    }
}
