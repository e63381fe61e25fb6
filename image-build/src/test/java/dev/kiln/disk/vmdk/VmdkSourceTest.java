package dev.kiln.disk.vmdk;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.disk.DiskFormat;
import dev.kiln.disk.DiskImages;
import dev.kiln.api.DiskSource;
import dev.kiln.api.Extent;
import dev.kiln.disk.TestDisks;
import dev.kiln.disk.Tools;
import dev.kiln.disk.WriteOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** VMDKs written by qemu-img and by kiln read back as the raw disk they were made from. */
class VmdkSourceTest {

    private static final int GRAIN = 64 << 10;

    @TempDir
    Path dir;
    Path raw;

    @BeforeEach
    void fixture() throws Exception {
        raw = TestDisks.mixed(dir);
    }

    private Path qemuVmdk(String subformat) throws Exception {
        Path out = dir.resolve(subformat + ".vmdk");
        Tools.ok(dir, "qemu-img", "convert", "-f", "raw", "-O", "vmdk", "-o", "subformat=" + subformat,
                raw.toString(), out.toString());
        return out;
    }

    private Path kilnVmdk() {
        Path out = dir.resolve("kiln.vmdk");
        try (DiskSource src = DiskImages.open(raw)) {
            DiskImages.write(DiskFormat.VMDK, src, out, WriteOptions.defaults(), Events.none());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    private Path toRaw(Path image) throws IOException {
        Path back = dir.resolve(image.getFileName() + ".raw");
        try (DiskSource src = DiskImages.open(image)) {
            DiskImages.write(DiskFormat.RAW, src, back, WriteOptions.defaults().withRoundSize(false), Events.none());
        }
        return back;
    }

    /** The 64 KiB grains of the source raw holding any non-zero byte, merged into ranges. */
    private List<Extent> nonZeroGrains() throws IOException {
        byte[] all = Files.readAllBytes(raw);
        List<Extent> out = new ArrayList<>();
        for (int g = 0; g * (long) GRAIN < all.length; g++) {
            int from = g * GRAIN;
            int to = Math.min(all.length, from + GRAIN);
            boolean data = false;
            for (int i = from; i < to && !data; i++) {
                data = all[i] != 0;
            }
            if (!data) {
                continue;
            }
            Extent last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.end() == from) {
                out.set(out.size() - 1, new Extent(last.offset(), to - last.offset()));
            } else {
                out.add(new Extent(from, to - from));
            }
        }
        return out;
    }

    private void assertReadsBackAsTheSource(Path vmdk) throws Exception {
        assertThat(DiskImages.detect(vmdk)).isEqualTo(DiskFormat.VMDK);
        try (DiskSource src = DiskImages.open(vmdk)) {
            assertThat(src.size()).isEqualTo(Files.size(raw));
            assertThat(src.extents()).as("extents are the stored grains").isEqualTo(nonZeroGrains());
        }
        Path back = toRaw(vmdk);
        assertThat(Files.size(back)).isEqualTo(Files.size(raw));
        assertThat(Files.mismatch(raw, back)).as(vmdk.getFileName().toString()).isEqualTo(-1L);
    }

    @Test
    void streamOptimizedFromQemuImgReadsBackByteIdentical() throws Exception {
        assertReadsBackAsTheSource(qemuVmdk("streamOptimized"));
    }

    @Test
    void monolithicSparseFromQemuImgReadsBackByteIdentical() throws Exception {
        assertReadsBackAsTheSource(qemuVmdk("monolithicSparse"));
    }

    @Test
    void kilnsOwnStreamWithTheDirectoryAtTheEndReadsBackByteIdentical() throws Exception {
        Path vmdk = kilnVmdk();
        ByteBuffer head = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(vmdk)) {
            ch.read(head, 0);
        }
        assertThat(head.getLong(56)).as("gdOffset = GD_AT_END: found through the footer").isEqualTo(-1L);
        assertReadsBackAsTheSource(vmdk);
    }

    @Test
    void smallReadsInsideOneCompressedGrainSeeTheRightBytes() throws Exception {
        byte[] expected = new byte[1000];
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "r")) {
            f.seek((5L << 20) + 12_345);
            f.readFully(expected);
        }
        try (DiskSource src = DiskImages.open(kilnVmdk())) {
            ByteBuffer got = ByteBuffer.allocate(1000);
            src.read((5L << 20) + 12_345, got);
            assertThat(got.array()).isEqualTo(expected);
            ByteBuffer past = ByteBuffer.allocate(4096);
            src.read(src.size() - 1024, past);
            byte[] all = Files.readAllBytes(raw);
            byte[] tail = java.util.Arrays.copyOfRange(all, all.length - 1024, all.length + 3072);
            assertThat(past.array()).as("the last KiB, then zeros past the end").isEqualTo(tail);
        }
    }

    @Test
    void aStreamCutShortIsRefusedNamingTheFile() throws Exception {
        Path vmdk = kilnVmdk();
        try (RandomAccessFile f = new RandomAccessFile(vmdk.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        assertThatThrownBy(() -> DiskImages.open(vmdk)).isInstanceOf(KilnException.class)
                .hasMessageContaining(vmdk.toString()).hasMessageContaining("footer").hasMessageContaining("cut short");
    }

    @Test
    void grainsMissingFromATruncatedQemuImageFailTheConversionNamingTheFile() throws Exception {
        for (String subformat : new String[] {"streamOptimized", "monolithicSparse"}) {
            Path vmdk = qemuVmdk(subformat);
            try (RandomAccessFile f = new RandomAccessFile(vmdk.toFile(), "rw")) {
                // qemu keeps its grain directory and tables in front of the grains: cut into the first grain
                f.setLength(128 * 512 + 3000);
            }
            Path out = dir.resolve(subformat + ".qcow2");
            assertThatThrownBy(() -> {
                try (DiskSource src = DiskImages.open(vmdk)) {
                    DiskImages.write(DiskFormat.QCOW2, src, out, WriteOptions.defaults(), Events.none());
                }
            }).as(subformat).isInstanceOf(KilnException.class).hasMessageContaining(vmdk.toString())
                    .hasMessageContaining("grain 0").hasMessageContaining("cut short");
            assertThat(out).doesNotExist();
        }
    }

    @Test
    void aDamagedCompressedGrainIsRefusedNamingTheFile() throws Exception {
        Path vmdk = kilnVmdk();
        try (RandomAccessFile f = new RandomAccessFile(vmdk.toFile(), "rw")) {
            // the first grain's marker is at the overhead (sector 128); damage its deflate data
            f.seek(128 * 512 + 12 + 200);
            f.write(new byte[64]);
        }
        assertThatThrownBy(() -> toRaw(vmdk)).isInstanceOf(KilnException.class)
                .hasMessageContaining(vmdk.toString()).hasMessageContaining("grain 0").hasMessageContaining("corrupt");
    }

    @Test
    void aDeltaDiskIsRefusedBecauseItsDataLivesInItsParent() throws Exception {
        Path base = qemuVmdk("monolithicSparse");
        Path child = dir.resolve("child.vmdk");
        Tools.ok(dir, "qemu-img", "create", "-f", "vmdk", "-b", base.toString(), "-F", "vmdk", child.toString());
        assertThatThrownBy(() -> DiskImages.open(child)).isInstanceOf(KilnException.class)
                .hasMessageContaining(child.toString()).hasMessageContaining("parent")
                .hasMessageContaining("qemu-img convert");
    }

    @Test
    void aDescriptorWithSeparateExtentFilesIsRefusedNotReadAsRaw() throws Exception {
        Path vmdk = qemuVmdk("monolithicFlat");
        assertThat(DiskImages.detect(vmdk)).isEqualTo(DiskFormat.VMDK);
        assertThatThrownBy(() -> DiskImages.open(vmdk)).isInstanceOf(KilnException.class)
                .hasMessageContaining(vmdk.toString()).hasMessageContaining("separate extent files");
    }
}
