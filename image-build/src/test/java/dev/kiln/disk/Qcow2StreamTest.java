package dev.kiln.disk;

import dev.kiln.api.Conversions;
import dev.kiln.api.DiskSource;
import dev.kiln.api.Extent;
import dev.kiln.api.ImageFormat;
import dev.kiln.build.CoreConversions;
import dev.kiln.disk.qcow2.Qcow2Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The front-to-back qcow2 ({@link Qcow2Stream}) as providers reach it: {@link Conversions#stream}. */
class Qcow2StreamTest {

    private static final long CLUSTER = 65536;

    @TempDir
    Path dir;

    private final Conversions conversions = new CoreConversions();

    /** 1 GiB + 41 KiB: data at the start, the middle, across the 512 MiB L2 boundary, a zero cluster, the end. */
    private Path scattered() throws IOException {
        long size = (1L << 30) + 41 * 1024 + 512;
        Path raw = TestDisks.sparse(dir.resolve("scattered.raw"), size);
        TestDisks.data(raw, 0, 200_000, false, 1);
        TestDisks.data(raw, (300L << 20) + 1000, 70_000, true, 2);
        TestDisks.data(raw, (512L << 20) - 100_000, 300_000, true, 3);
        // three clusters written, the middle one all zeros: one extent whose zero cluster is stored as data
        TestDisks.data(raw, 700L << 20, (int) CLUSTER, true, 4);
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            f.seek((700L << 20) + CLUSTER);
            f.write(new byte[(int) CLUSTER]);
        }
        TestDisks.data(raw, (700L << 20) + 2 * CLUSTER, (int) CLUSTER, true, 5);
        TestDisks.data(raw, size - 3000, 3000, true, 6);
        return raw;
    }

    @Test
    void aScatteredDiskStreamsToAQcow2QemuImgFindsCleanAndIdenticalOfExactlyTheBoundsLength() throws Exception {
        Path raw = scattered();
        Path out = dir.resolve("scattered.qcow2");
        long bound;
        long written;
        long readBytes;
        List<Extent> ranges;
        try (CountingSource disk = new CountingSource(new RawDiskSource(raw));
             FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            bound = conversions.streamBound(disk, ImageFormat.QCOW2);
            written = conversions.stream(disk, ImageFormat.QCOW2, new Sequential(ch), "scattered");
            readBytes = disk.bytesRead();
            ranges = BlockScanner.alignedRanges(disk.extents(), (int) CLUSTER);
        }

        Tools.ok(dir, "qemu-img", "check", out.toString());
        assertThat(Tools.ok(dir, "qemu-img", "compare", "-f", "raw", "-F", "qcow2", raw.toString(), out.toString()))
                .contains("identical");
        assertThat(Tools.ok(dir, "qemu-img", "info", "--output=json", out.toString()))
                .contains("\"virtual-size\": " + Files.size(raw)).contains("\"cluster-size\": 65536");
        assertThat(written).as("bytes written").isEqualTo(Files.size(out)).isEqualTo(bound);
        long data = ranges.stream().mapToLong(Extent::length).sum();
        assertThat(data).as("the zero cluster inside the extent is data").isGreaterThanOrEqualTo(3 * CLUSTER);
        // header, L1, refcount table, one refcount block, L2 tables for 0-512 MiB, 512 MiB-1 GiB, 1 GiB-
        assertThat(Files.size(out)).as("header, tables and the data clusters only").isEqualTo(7 * CLUSTER + data);
        assertThat(readBytes).as("each data cluster is read once, nothing else").isEqualTo(data);
    }

    @Test
    void narrowedToItsDataExtentsTheDiskStreamsWithoutTheZeroClusterItsExtentHolds() throws Exception {
        Path raw = scattered();
        Path out = dir.resolve("narrowed.qcow2");
        long whole;
        long written;
        List<Extent> data;
        try (DiskSource disk = new RawDiskSource(raw);
             FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            whole = conversions.streamBound(disk, ImageFormat.QCOW2);
            data = conversions.dataExtents(disk, (int) CLUSTER);
            DiskSource narrowed = disk.narrowedTo(data);
            assertThat(conversions.streamBound(narrowed, ImageFormat.QCOW2)).as("one cluster less than planned from"
                    + " the extents: the written zero cluster at 700 MiB").isEqualTo(whole - CLUSTER);
            written = conversions.stream(narrowed, ImageFormat.QCOW2, new Sequential(ch), "narrowed");
        }

        assertThat(data).as("non-zero runs in whole clusters, the zero cluster at 700 MiB + 64 KiB left out")
                .allMatch(e -> e.offset() % CLUSTER == 0 && e.length() % CLUSTER == 0)
                .contains(new Extent(700L << 20, CLUSTER), new Extent((700L << 20) + 2 * CLUSTER, CLUSTER));
        assertThat(written).isEqualTo(Files.size(out)).isEqualTo(whole - CLUSTER);
        Tools.ok(dir, "qemu-img", "check", out.toString());
        assertThat(Tools.ok(dir, "qemu-img", "compare", "-f", "raw", "-F", "qcow2", raw.toString(), out.toString()))
                .contains("identical");
    }

    @Test
    void aHugeEmptyDiskStreamsOnlyItsHeaderAndTablesWithoutReadingItsHoles() throws Exception {
        Path raw = TestDisks.sparse(dir.resolve("empty.raw"), 64L << 30);
        Path out = dir.resolve("empty.qcow2");
        try (CountingSource disk = new CountingSource(new RawDiskSource(raw));
             FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            Counting counted = new Counting(new Sequential(ch));

            long written = conversions.stream(disk, ImageFormat.QCOW2, counted, "empty");

            assertThat(counted.bytes).as("header, L1, refcount table and block").isEqualTo(4 * CLUSTER)
                    .isEqualTo(written).isEqualTo(conversions.streamBound(disk, ImageFormat.QCOW2));
            assertThat(disk.bytesRead()).as("bytes read of an empty 64 GiB disk").isZero();
        }
        Tools.ok(dir, "qemu-img", "check", out.toString());
        assertThat(Tools.ok(dir, "qemu-img", "info", "--output=json", out.toString()))
                .contains("\"virtual-size\": " + (64L << 30));
        assertThat(Tools.ok(dir, "qemu-img", "compare", "-f", "raw", "-F", "qcow2", raw.toString(), out.toString()))
                .contains("identical");
    }

    @Test
    void readsStayBoundedWhateverTheDataAndGoOnceOverIt() throws Exception {
        Path raw = TestDisks.sparse(dir.resolve("run.raw"), 64L << 30);
        TestDisks.data(raw, 40L << 30, 1, false, 7);
        TestDisks.data(raw, (10L << 30) + 12345, 20 << 20, true, 8);
        for (boolean concurrent : new boolean[] {false, true}) {
            try (CountingSource disk = new CountingSource(new RawDiskSource(raw), concurrent)) {
                Counting counted = new Counting(new Sequential(null));

                long written = conversions.stream(disk, ImageFormat.QCOW2, counted, "run");

                long data = BlockScanner.alignedRanges(disk.extents(), (int) CLUSTER).stream()
                        .mapToLong(Extent::length).sum();
                assertThat(disk.bytesRead()).as("read once, concurrent=%s", concurrent).isEqualTo(data);
                assertThat(disk.largestRead()).as("largest single read").isLessThanOrEqualTo(4 << 20);
                assertThat(written).isEqualTo(counted.bytes).isEqualTo(conversions.streamBound(disk, ImageFormat.QCOW2));
                assertThat(counted.largestWrite).as("largest single write").isLessThanOrEqualTo(4 << 20);
            }
        }
    }

    /** A channel that writes sequentially to a file, or discards with {@code null}. */
    private static final class Sequential implements WritableByteChannel {
        private final FileChannel ch;

        Sequential(FileChannel ch) {
            this.ch = ch;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (ch == null) {
                int n = src.remaining();
                src.position(src.limit());
                return n;
            }
            return ch.write(src);
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    /** Counts what goes through. */
    private static final class Counting implements WritableByteChannel {
        private final WritableByteChannel out;
        private long bytes;
        private long largestWrite;

        Counting(WritableByteChannel out) {
            this.out = out;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            largestWrite = Math.max(largestWrite, src.remaining());
            int n = out.write(src);
            bytes += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
