package dev.kiln.disk.vmdk;

import dev.kiln.limits.FieldOverflowException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * streamOptimized VMDK's 32-bit fields (VMDK 5.0 technote): grain and grain-table addresses in sectors, and
 * the grain directory's size for a capacity. Over their width they are refused naming the field.
 */
@Tag("security")
class VmdkFieldsSecurityTest {

    @Test
    void aCapacityWhoseGrainDirectoryCannotBeHeldIsRefusedBeforeWriting() {
        long sectors = (1L << 60) / 512;
        assertThatThrownBy(() -> StreamVmdkWriter.directoryEntries(sectors)).isInstanceOf(FieldOverflowException.class)
                .hasMessageContaining("VMDK grain directory entries").hasMessageContaining("34359738368");
        assertThat(StreamVmdkWriter.directoryEntries((1L << 40) / 512)).as("1 TiB: 32768 tables of 32 MiB")
                .isEqualTo(32768);
    }

    @Test
    void aGrainAt2TiBIsRefusedNotWrapped() {
        assertThatThrownBy(() -> StreamVmdkWriter.grainSector(1L << 32)).isInstanceOf(FieldOverflowException.class)
                .hasMessageContaining("VMDK grain address in sectors");
        assertThat(StreamVmdkWriter.grainSector(0xffffffffL)).isEqualTo(-1);
    }

    @Test
    void aGrainTableAt2TiBIsRefusedNotWrapped() {
        assertThatThrownBy(() -> StreamVmdkWriter.tableSector(512L << 32)).isInstanceOf(FieldOverflowException.class)
                .hasMessageContaining("VMDK grain table address in sectors").hasMessageContaining("4294967296");
        assertThat(StreamVmdkWriter.tableSector(512L * 7)).isEqualTo(7);
    }
}
