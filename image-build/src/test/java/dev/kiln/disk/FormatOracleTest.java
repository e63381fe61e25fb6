package dev.kiln.disk;

import dev.kiln.api.DiskSource;

import dev.kiln.api.Events;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** qemu-img as the oracle: every container kiln writes reads back identical to its source. */
class FormatOracleTest {

    @TempDir
    Path dir;
    Path raw;

    @BeforeEach
    void fixture() throws Exception {
        raw = TestDisks.mixed(dir);
    }

    private Path write(DiskFormat format, String name, WriteOptions options) throws Exception {
        Path out = dir.resolve(name);
        try (DiskSource src = DiskImages.open(raw)) {
            DiskImages.write(format, src, out, options, Events.none());
        }
        return out;
    }

    private void assertIdentical(Path image, String qemuFormat) throws Exception {
        assertThat(Tools.ok(dir, "qemu-img", "compare", "-f", "raw", "-F", qemuFormat, raw.toString(), image.toString()))
                .contains("Images are identical");
    }

    @Test
    void fixedVhdIsWholeMibPlusFooterAndIdentical() throws Exception {
        Path vhd = write(DiskFormat.VHD, "out.vhd", WriteOptions.defaults());
        long mib = 65L << 20;
        assertThat(Files.size(vhd)).isEqualTo(mib + 512);
        assertIdentical(vhd, "vpc");
        assertThat(Tools.ok(dir, "qemu-img", "info", "-f", "vpc", "--output=json", vhd.toString()))
                .contains("\"virtual-size\": " + mib).contains("\"format\": \"vpc\"");
        long allocated = Long.parseLong(Tools.ok(dir, "stat", "-c", "%b", vhd.toString()).trim()) * 512;
        assertThat(allocated).as("sparse output").isLessThan(4L << 20);
    }

    @Test
    void fixedVhdFooterFieldsAreAsTheSpecificationSays() throws Exception {
        Path vhd = write(DiskFormat.VHD, "out.vhd", WriteOptions.defaults());
        ByteBuffer f = ByteBuffer.allocate(512);
        try (FileChannel ch = FileChannel.open(vhd)) {
            Channels.readFully(ch, f, ch.size() - 512);
        }
        assertThat(new String(f.array(), 0, 8, "US-ASCII")).isEqualTo("conectix");
        assertThat(f.getInt(8)).isEqualTo(2);
        assertThat(f.getInt(12)).isEqualTo(0x00010000);
        assertThat(f.getLong(16)).isEqualTo(-1L);
        assertThat(f.getLong(40)).isEqualTo(65L << 20);
        assertThat(f.getLong(48)).isEqualTo(65L << 20);
        // 65 MiB = 133120 sectors: spt 17, heads 8, cylinders 978 (spec appendix algorithm)
        assertThat(f.getShort(56)).isEqualTo((short) 978);
        assertThat(f.get(58)).isEqualTo((byte) 8);
        assertThat(f.get(59)).isEqualTo((byte) 17);
        assertThat(f.getInt(60)).isEqualTo(2);
        int stored = f.getInt(64);
        f.putInt(64, 0);
        int sum = 0;
        for (byte b : f.array()) {
            sum += b & 0xff;
        }
        assertThat(stored).isEqualTo(~sum);
    }

    @Test
    void dynamicVhdHasExactBatAndReadsIdentical() throws Exception {
        Path vhd = write(DiskFormat.DYNAMIC_VHD, "dyn.vhd", WriteOptions.defaults());
        assertIdentical(vhd, "vpc");
        ByteBuffer h = ByteBuffer.allocate(1024);
        try (FileChannel ch = FileChannel.open(vhd)) {
            Channels.readFully(ch, h, 512);
        }
        assertThat(new String(h.array(), 0, 8, "US-ASCII")).isEqualTo("cxsparse");
        assertThat(h.getInt(28)).as("BAT entries = ceil(65 MiB / 2 MiB)").isEqualTo(33);
        assertThat(h.getInt(32)).isEqualTo(2 << 20);
        // data in blocks 0, 2, 16 and 32: four blocks with their bitmaps, plus footer copies, header, BAT
        assertThat(Files.size(vhd)).isEqualTo(512 + 1024 + 512 + 4L * (512 + (2 << 20)) + 512);
    }

    @Test
    void streamOptimizedVmdkChecksCleanWithSpecLayout() throws Exception {
        Path vmdk = write(DiskFormat.VMDK, "out.vmdk", WriteOptions.defaults());
        Tools.ok(dir, "qemu-img", "check", vmdk.toString());
        assertIdentical(vmdk, "vmdk");
        assertThat(Tools.ok(dir, "qemu-img", "info", vmdk.toString())).contains("create type: streamOptimized");
        ByteBuffer tail = ByteBuffer.allocate(1536).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer head = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(vmdk)) {
            Channels.readFully(ch, tail, ch.size() - 1536);
            Channels.readFully(ch, head, 0);
        }
        assertThat(head.getInt(0)).isEqualTo(0x564d444b);
        assertThat(head.getLong(56)).as("gdOffset = GD_AT_END").isEqualTo(-1L);
        assertThat(tail.getInt(12)).as("footer marker").isEqualTo(3);
        assertThat(tail.getInt(512)).as("footer is a header").isEqualTo(0x564d444b);
        assertThat(tail.getLong(512 + 56)).as("footer has the real gdOffset").isPositive();
        assertThat(tail.array()).as("end-of-stream marker").endsWith(new byte[512]);
    }

    @Test
    void outputDoesNotDependOnThreadCount() throws Exception {
        for (DiskFormat f : new DiskFormat[] {DiskFormat.VMDK, DiskFormat.GCP_TAR_GZ, DiskFormat.QCOW2}) {
            WriteOptions o = WriteOptions.defaults().withCompression(Compression.ZLIB);
            Path one = write(f, "one." + f.id(), o.withThreads(1));
            Path three = write(f, "three." + f.id(), o.withThreads(3));
            assertThat(Files.mismatch(one, three)).as(f.id()).isEqualTo(-1L);
        }
        for (DiskFormat f : new DiskFormat[] {DiskFormat.QCOW2, DiskFormat.VHD, DiskFormat.DYNAMIC_VHD}) {
            Path one = write(f, "plain1." + f.id(), WriteOptions.defaults().withThreads(1));
            Path three = write(f, "plain3." + f.id(), WriteOptions.defaults().withThreads(3));
            assertThat(Files.mismatch(one, three)).as("read-ahead " + f.id()).isEqualTo(-1L);
        }
    }

    @Test
    void imagesKilnWroteOpenAgainWithTheSameBytes() throws Exception {
        for (DiskFormat f : new DiskFormat[] {DiskFormat.QCOW2, DiskFormat.VHD, DiskFormat.DYNAMIC_VHD}) {
            Path out = write(f, "again." + f.id(), WriteOptions.defaults());
            Path back = dir.resolve("back-" + f.id() + ".raw");
            try (DiskSource src = DiskImages.open(out)) {
                DiskImages.write(DiskFormat.RAW, src, back, WriteOptions.defaults().withRoundSize(false), Events.none());
            }
            assertThat(Tools.ok(dir, "qemu-img", "compare", "-f", "raw", "-F", "raw", raw.toString(), back.toString()))
                    .as(f.id()).contains("identical");
        }
    }

    @Test
    void readsImagesQemuImgWrote() throws Exception {
        for (String[] fmt : new String[][] {{"qcow2"}, {"vpc", "-o", "subformat=fixed,force_size=on"},
                {"vpc", "-o", "subformat=dynamic"}, {"qcow2", "-c"}}) {
            Path q = dir.resolve("q-" + String.join("", fmt).replace(",", "").replace("=", ""));
            java.util.List<String> cmd = Tools.args("qemu-img", "convert", "-f", "raw", "-O");
            cmd.addAll(java.util.List.of(fmt));
            cmd.add(raw.toString());
            cmd.add(q.toString());
            Tools.ok(dir, cmd.toArray(String[]::new));
            Path back = dir.resolve(q.getFileName() + ".raw");
            try (DiskSource src = DiskImages.open(q)) {
                DiskImages.write(DiskFormat.RAW, src, back, WriteOptions.defaults().withRoundSize(false), Events.none());
            }
            assertThat(Tools.ok(dir, "qemu-img", "compare", "-f", "raw", "-F", "raw", raw.toString(), back.toString()))
                    .as(String.join(" ", fmt)).contains("identical");
        }
    }
}
