package dev.kiln.boot.iso;

import dev.kiln.limits.FieldOverflowException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ECMA-119 both-endian numbers: a size or address over their width is refused, never wrapped. */
@Tag("security")
class IsoFieldsSecurityTest {

    @Test
    void a32BitNumberOver4GiBIsRefused() {
        assertThatThrownBy(() -> Both.put32(ByteBuffer.allocate(8), (1L << 32) + 8))
                .isInstanceOf(FieldOverflowException.class).hasMessageContaining("ISO 9660 32-bit number");
    }

    @Test
    void a16BitNumberOver65535IsRefused() {
        assertThatThrownBy(() -> Both.put16(ByteBuffer.allocate(4), 65536))
                .isInstanceOf(FieldOverflowException.class).hasMessageContaining("ISO 9660 16-bit number");
    }
}
