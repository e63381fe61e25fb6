package dev.kiln.disk;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** GNU tar as the oracle for the GCP tarball; the OVA's own manifest for the OVA. */
class ArchiveFormatsTest {

    @TempDir
    Path dir;

    private Path write(DiskFormat format, Path raw, String name, WriteOptions options) throws Exception {
        return TestDisks.convert(format, raw, dir.resolve(name), options);
    }

    @Test
    void gcpTarballRestoresTheDiskWithGnuTar() throws Exception {
        Path raw = TestDisks.mixed(dir);
        Path tgz = write(DiskFormat.GCP_TAR_GZ, raw, "img.tar.gz", WriteOptions.defaults().withRoundSize(false));
        Tools.ok(dir, "gzip", "-t", tgz.toString());
        Path x = Files.createDirectory(dir.resolve("x"));
        Tools.ok(x, "tar", "-xzSf", tgz.toString());
        assertThat(Files.mismatch(raw, x.resolve("disk.raw"))).isEqualTo(-1L);
        String listing = Tools.ok(dir, "tar", "-tvzf", tgz.toString());
        assertThat(listing.lines().toList()).hasSize(1);
        assertThat(listing).contains("disk.raw").contains(String.valueOf(Files.size(raw)));
    }

    @Test
    void gcpTarballIsOldGnuSparseAndWholeGib() throws Exception {
        Path raw = TestDisks.mixed(dir);
        Path tgz = write(DiskFormat.GCP_TAR_GZ, raw, "img.tar.gz", WriteOptions.defaults());
        byte[] tar;
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(tgz))) {
            tar = in.readNBytes(512);
        }
        assertThat(new String(tar, 257, 8, "US-ASCII")).isEqualTo("ustar  \0");
        assertThat((char) tar[156]).isEqualTo('S');
        String listing = Tools.ok(dir, "tar", "-tvzf", tgz.toString());
        assertThat(listing).contains(String.valueOf(1L << 30)).contains("disk.raw");
        Path x = Files.createDirectory(dir.resolve("x"));
        Tools.ok(x, "tar", "-xzSf", tgz.toString());
        assertThat(Files.size(x.resolve("disk.raw"))).isEqualTo(1L << 30);
        assertThat(Tools.ok(dir, "cmp", "-n", String.valueOf(Files.size(raw)), raw.toString(),
                x.resolve("disk.raw").toString())).isEmpty();
    }

    @Test
    void gcpSparseMapWithManyRunsUsesExtensionBlocks() throws Exception {
        Path raw = TestDisks.sparse(dir.resolve("holes.raw"), 8L << 20);
        for (int i = 0; i < 60; i++) {
            TestDisks.data(raw, i * 131072L, 100, false, i);
        }
        Path tgz = write(DiskFormat.GCP_TAR_GZ, raw, "h.tar.gz", WriteOptions.defaults().withRoundSize(false));
        Path x = Files.createDirectory(dir.resolve("x"));
        Tools.ok(x, "tar", "-xzSf", tgz.toString());
        assertThat(Files.mismatch(raw, x.resolve("disk.raw"))).isEqualTo(-1L);
    }

    @Test
    void gcpTarballOfManyChunksIsOneDeflateStream() throws Exception {
        Path raw = TestDisks.sparse(dir.resolve("big.raw"), 16L << 20);
        TestDisks.data(raw, 0, 5 << 20, false, 1);
        TestDisks.data(raw, 6L << 20, 3 << 20, true, 2);
        Path tgz = write(DiskFormat.GCP_TAR_GZ, raw, "b.tar.gz", WriteOptions.defaults().withRoundSize(false));
        byte[] gz = Files.readAllBytes(tgz);
        java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
        inflater.setInput(gz, 10, gz.length - 10);
        byte[] sink = new byte[1 << 20];
        long produced = 0;
        while (!inflater.finished()) {
            int n = inflater.inflate(sink);
            assertThat(n > 0 || !inflater.needsInput()).as("stream ended early").isTrue();
            produced += n;
        }
        assertThat(inflater.getRemaining()).as("only the 8-byte trailer follows one deflate stream").isEqualTo(8);
        assertThat(produced).isGreaterThan(8L << 20);
        Path x = Files.createDirectory(dir.resolve("x"));
        Tools.ok(x, "tar", "-xzSf", tgz.toString());
        assertThat(Files.mismatch(raw, x.resolve("disk.raw"))).isEqualTo(-1L);
    }

    @Test
    void ovaHoldsDescriptorManifestAndDiskWhoseDigestsVerify() throws Exception {
        Path raw = TestDisks.mixed(dir);
        Path ova = write(DiskFormat.OVA, raw, "vm.ova", WriteOptions.defaults().withName("hello"));
        List<String> names = Tools.ok(dir, "tar", "-tf", ova.toString()).lines().toList();
        assertThat(names).containsExactly("hello.ovf", "hello.mf", "hello-disk1.vmdk");
        Path x = Files.createDirectory(dir.resolve("x"));
        Tools.ok(x, "tar", "-xf", ova.toString());
        for (String line : Files.readAllLines(x.resolve("hello.mf"))) {
            String file = line.substring(line.indexOf('(') + 1, line.indexOf(')'));
            String digest = line.substring(line.indexOf("= ") + 2);
            byte[] actual = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(x.resolve(file)));
            assertThat(HexFormat.of().formatHex(actual)).as(file).isEqualTo(digest);
        }
        String ovf = Files.readString(x.resolve("hello.ovf"));
        assertThat(ovf).contains("ovf:size=\"" + Files.size(x.resolve("hello-disk1.vmdk")) + "\"")
                .contains("vmdk.html#streamOptimized").contains("<Name>hello</Name>");
        assertThat(Tools.ok(dir, "qemu-img", "compare", "-f", "raw", "-F", "vmdk", raw.toString(),
                x.resolve("hello-disk1.vmdk").toString())).contains("identical");
    }
}
