package dev.kiln.azure;

import dev.kiln.api.Extent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How a page is cut to its data, and which pages a resumed upload finds already in the blob. */
class PageUploadTest {

    @Test
    void aPageIsCutToTheSectorsBetweenItsFirstAndLastNonZeroByte() {
        byte[] page = new byte[8 * 512];
        page[2 * 512 + 7] = 1;
        page[5 * 512 + 511] = 1;

        assertThat(PageUpload.firstDataSector(java.nio.ByteBuffer.wrap(page))).isEqualTo(2 * 512);
        assertThat(PageUpload.endOfData(java.nio.ByteBuffer.wrap(page))).isEqualTo(6 * 512);
    }

    @Test
    void aPageOfZerosHasNoData() {
        assertThat(PageUpload.firstDataSector(java.nio.ByteBuffer.allocate(4096))).isEqualTo(-1);
        assertThat(PageUpload.endOfData(java.nio.ByteBuffer.allocate(4096))).isZero();
    }

    @Test
    void rangesGetPageRangesReportsAreJoinedAndCoverOnlyWhatTheyHold() {
        List<Extent> merged = PageUpload.merge(List.of(new Extent(8192, 512), new Extent(0, 4096),
                new Extent(4096, 1024), new Extent(1 << 20, 4 << 20)));

        assertThat(merged).containsExactly(new Extent(0, 5120), new Extent(8192, 512), new Extent(1 << 20, 4 << 20));
        assertThat(PageUpload.covered(merged, 512, 5120)).isTrue();
        assertThat(PageUpload.covered(merged, 4096, 5632)).as("runs past the end").isFalse();
        assertThat(PageUpload.covered(merged, 5120, 5632)).as("a hole").isFalse();
        assertThat(PageUpload.covered(merged, (1 << 20) + 512, 5 << 20)).isTrue();
        assertThat(PageUpload.covered(List.of(), 0, 512)).isFalse();
    }
}
