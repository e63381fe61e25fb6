package dev.kiln.boot.part;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** MBR partition entries are 32-bit LBAs: a partition over 2 TiB is refused; the protective MBR saturates. */
@Tag("security")
class MbrFieldsSecurityTest {

    /** Saturated as UEFI's protective MBR does (0xFFFFFFFF = "to the end"), never wrapped to 7 sectors. */
    @Test
    void aPartitionOver32BitsOfSectorsSaturatesAndOneStartingBeyond2TiBIsRefused() {
        byte[] mbr = Mbr.encode(new byte[0], 1, List.of(new MbrPartition(false, 0x83, 2048, (1L << 32) + 8)));
        assertThat(ByteBuffer.wrap(mbr).order(ByteOrder.LITTLE_ENDIAN).getInt(446 + 12)).isEqualTo(0xffffffff);
        assertThatThrownBy(() -> new MbrPartition(false, 0x83, 1L << 32, 8))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theProtectiveMbrOfADiskOver2TiBSaysFFFFFFFFAsUefiAsks() {
        byte[] mbr = Mbr.protective(new byte[0], 1, (1L << 33));
        assertThat(ByteBuffer.wrap(mbr).order(ByteOrder.LITTLE_ENDIAN).getInt(446 + 12)).isEqualTo(0xffffffff);
    }
}
