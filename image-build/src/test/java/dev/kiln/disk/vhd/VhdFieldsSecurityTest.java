package dev.kiln.disk.vhd;

import dev.kiln.limits.FieldOverflowException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * VHD's fixed-width fields (specification 1.0, "Hard Disk Footer Format", "Dynamic Disk Header Format"): a
 * value that does not fit is refused naming the field, or saturates where the specification says so (the CHS
 * geometry, the timestamp); nothing wraps to a smaller, valid-looking number.
 */
@Tag("security")
class VhdFieldsSecurityTest {

    @Test
    void aBlockTableOver2Pow29EntriesIsRefusedNotCastToFewer() {
        long twoPiB = 1L << 51;
        assertThatThrownBy(() -> DynamicVhdWriter.tableEntries(twoPiB)).isInstanceOf(FieldOverflowException.class)
                .hasMessageContaining("VHD Max Table Entries").hasMessageContaining("1073741824");
        assertThat(DynamicVhdWriter.tableEntries(1L << 50)).isEqualTo(1 << 29);
        assertThat(DynamicVhdWriter.tableEntries((2L << 20) + 1)).isEqualTo(2);
    }

    @Test
    void aBlockAt2TiBIsRefusedNotWrappedToSectorZero() {
        assertThatThrownBy(() -> DynamicVhdWriter.blockSector(512L << 32)).isInstanceOf(FieldOverflowException.class)
                .hasMessageContaining("VHD block address in sectors").hasMessageContaining("4294967296");
        assertThat(DynamicVhdWriter.blockSector((512L << 32) - 512)).isEqualTo(-1);
    }

    /** The appendix's algorithm caps at 65535 cylinders, 16 heads, 255 sectors: the fields' own maxima. */
    @Test
    void theGeometryOfAHugeDiskSaturatesAtTheSpecificationsMaximum() {
        int chs = VhdFooter.geometry((1L << 40) / 512);
        assertThat(chs >>> 16).isEqualTo(65535);
        assertThat((chs >>> 8) & 0xff).isEqualTo(16);
        assertThat(chs & 0xff).isEqualTo(255);
        assertThat(VhdFooter.geometry(65535L * 16 * 255 - 255)).isEqualTo(VhdFooter.geometry(1L << 40) - (1 << 16));
    }

    @Test
    void theTimestampSaturatesInsteadOfWrapping() {
        assertThat(VhdFooter.seconds(Instant.parse("2200-01-01T00:00:00Z"))).isEqualTo(-1);
        assertThat(VhdFooter.seconds(Instant.parse("1990-01-01T00:00:00Z"))).isZero();
        assertThat(VhdFooter.seconds(Instant.parse("2000-01-01T00:01:00Z"))).isEqualTo(60);
    }

    @Test
    void theFooterOfADiskOver2TiBKeepsItsFullSizeAndAValidChecksum() {
        long size = (3L << 40) + (1L << 20);
        ByteBuffer f = VhdFooter.build(VhdFooter.TYPE_FIXED, size, -1, Instant.EPOCH, UUID.randomUUID());
        assertThat(f.getLong(40)).as("original size").isEqualTo(size);
        assertThat(f.getLong(48)).as("current size").isEqualTo(size);
        int stored = f.getInt(64);
        ByteBuffer zeroed = ByteBuffer.allocate(512).put(f.duplicate().clear()).putInt(64, 0);
        assertThat(VhdFooter.checksum(zeroed, 0, 512)).isEqualTo(stored);
    }
}
