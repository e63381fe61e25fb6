package dev.kiln.disk;

import dev.kiln.disk.tar.TarHeaders;
import dev.kiln.limits.FieldOverflowException;
import dev.kiln.limits.Fields;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** tar numbers: big ones use base-256 and read back; negative ones are refused, not written as garbage. */
@Tag("security")
class TarFieldsSecurityTest {

    @Test
    void aSizeOver8GiBRoundTripsThroughBase256() {
        long size = (1L << 40) + 8;
        ByteBuffer h = TarHeaders.ustar("disk.raw", size, 0);
        assertThat(TarHeaders.parseNumber(h, 124, 12)).isEqualTo(size);
    }

    @Test
    void aNegativeNumberIsRefused() {
        assertThatThrownBy(() -> TarHeaders.ustar("disk.raw", -1, 0)).isInstanceOf(FieldOverflowException.class);
    }

    @Test
    void theFieldCheckerRefusesEachEdge() {
        assertThat(Fields.u32("x", 0xffffffffL)).isEqualTo(-1);
        assertThatThrownBy(() -> Fields.u32("x", 1L << 32)).hasMessageContaining("x is 4294967296");
        assertThatThrownBy(() -> Fields.u16("y", -1)).hasMessageContaining("y is -1");
        assertThatThrownBy(() -> Fields.u8("z", 256)).isInstanceOf(FieldOverflowException.class);
    }
}
