package dev.kiln.disk;

import dev.kiln.api.Extent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BlockScannerTest {

    @TempDir
    Path dir;

    @Test
    void visitsOnlyNonZeroBlocksAndPadsThePartialLastOne() throws Exception {
        MemoryDiskSource disk = new MemoryDiskSource(3 * 512 * 1024 + 1000)
                .put(10, new byte[] {1})
                .put(512 * 1024 + 100, new byte[100])
                .put(3 * 512 * 1024 + 999, new byte[] {7});
        List<Long> offsets = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        new BlockScanner(disk, 512 * 1024).blocks((offset, data) -> {
            offsets.add(offset);
            lengths.add(data.remaining());
            if (offset > 0) {
                assertThat(data.get(999)).isEqualTo((byte) 7);
                assertThat(data.get(1000)).isZero();
            }
        });
        assertThat(offsets).containsExactly(0L, 3L * 512 * 1024);
        assertThat(lengths).containsOnly(512 * 1024);
    }

    @Test
    void rawFileExtentsComeFromSeekDataAndMatchTheScanFallback() throws Exception {
        assertThat(FileHoles.nativeAvailable()).as("lseek(SEEK_DATA) through JNA on Linux").isTrue();
        Path f = TestDisks.sparse(dir.resolve("s.raw"), 256L << 20);
        TestDisks.data(f, 8L << 20, 5000, true, 1);
        TestDisks.data(f, 200L << 20, 70000, true, 2);
        List<Extent> bySeek;
        List<Extent> byScan;
        try (RawDiskSource seek = new RawDiskSource(f); RawDiskSource scan = new RawDiskSource(f, -1, false)) {
            bySeek = seek.extents();
            byScan = scan.extents();
        }
        assertThat(bySeek.stream().mapToLong(Extent::length).sum()).isLessThan(1L << 20);
        for (Extent e : byScan) {
            assertThat(bySeek).anySatisfy(s -> assertThat(s.offset() <= e.offset() && s.end() >= e.end()).isTrue());
        }
        assertThat(byScan).containsExactly(new Extent(8L << 20, 8192), new Extent(200L << 20, 73728));
    }

    @Test
    void memoryDiskReadsZerosAroundItsPieces() {
        MemoryDiskSource disk = new MemoryDiskSource(100).put(10, new byte[] {1, 2, 3});
        ByteBuffer b = ByteBuffer.allocate(20);
        disk.read(5, b);
        assertThat(b.array()).startsWith(0, 0, 0, 0, 0, 1, 2, 3, 0);
        assertThat(disk.extents()).containsExactly(new Extent(10, 3));
    }
}
