package dev.kiln.api;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BoundedInputStreamTest {

    private static InputStream bytes(String s) {
        return new ByteArrayInputStream(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void aWindowEndsAtItsSizeAndLeavesTheRestUnread() throws IOException {
        InputStream in = bytes("headerbody-rest");
        in.skipNBytes(6);

        InputStream window = BoundedInputStream.window(in, 4);

        assertThat(window.read()).isEqualTo('b');
        assertThat(new String(window.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("ody");
        assertThat(window.read()).isEqualTo(-1);
        assertThat(window.skip(10)).isZero();
        assertThat(in.readAllBytes()).hasSize(5);
    }

    @Test
    void aWindowSkipsNoFurtherThanItsEnd() throws IOException {
        InputStream window = BoundedInputStream.window(bytes("0123456789"), 4);

        assertThat(window.skip(100)).isEqualTo(4);
        assertThat(window.read()).isEqualTo(-1);
    }

    @Test
    void aWindowOnAShortStreamEndsWithIt() throws IOException {
        assertThat(BoundedInputStream.window(bytes("abc"), 10).readAllBytes()).hasSize(3);
    }

    @Test
    void aCapLetsExactlyItsLimitThrough() throws IOException {
        InputStream capped = BoundedInputStream.capped(bytes("12345"), 5, () -> KilnException.usage("too long"));

        assertThat(capped.readAllBytes()).hasSize(5);
    }

    @Test
    void aCapThrowsTheCallersErrorOneBytePastItsLimit() {
        InputStream capped = BoundedInputStream.capped(bytes("123456"), 5,
                () -> KilnException.tried("unpack layer 1", "it expands to more than 5 bytes", "raise the limit"));

        assertThatThrownBy(capped::readAllBytes).isInstanceOf(KilnException.class)
                .hasMessage("Tried to unpack layer 1 but it expands to more than 5 bytes; raise the limit");
    }

    @Test
    void aCapCountsSkippedBytes() throws IOException {
        InputStream capped = BoundedInputStream.capped(bytes("123456"), 5, () -> KilnException.usage("too long"));

        assertThat(capped.skip(3)).isEqualTo(3);
        assertThatThrownBy(() -> capped.skip(3)).hasMessageContaining("too long");
    }

    @Test
    void closingClosesTheUnderlyingStream() throws IOException {
        AtomicBoolean closed = new AtomicBoolean();
        InputStream in = new FilterInputStream(bytes("abc")) {
            @Override
            public void close() {
                closed.set(true);
            }
        };

        BoundedInputStream.window(in, 1).close();

        assertThat(closed).isTrue();
    }
}
