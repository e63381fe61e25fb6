package dev.kiln.rootfs;

import dev.kiln.api.KilnException;
import dev.kiln.testing.Fixtures;
import dev.kiln.testing.HostKernel;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KernelDecompressorTest {

    @Test
    void gunzipsAGzipKernel() throws IOException {
        byte[] gz = Fixtures.gzip("plain kernel".getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        KernelDecompressor.decompress(() -> new ByteArrayInputStream(gz), out);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("plain kernel");
    }

    @Test
    void extractsTheElfKernelFromTheHostsBzImage() throws IOException {
        Path vmlinuz = HostKernel.path();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        long[] size = {0};
        KernelDecompressor.decompress(() -> Files.newInputStream(vmlinuz), new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                head.write(b, off, (int) Math.max(0, Math.min(len, 4 - size[0])));
                size[0] += len;
            }
        });
        assertThat(new String(head.toByteArray(), 1, 3, StandardCharsets.US_ASCII)).isEqualTo("ELF");
        assertThat(size[0]).isGreaterThan(Files.size(vmlinuz));
    }

    @Test
    void refusesSomethingThatIsNotAKernel() {
        assertThatThrownBy(() -> KernelDecompressor.decompress(() -> new ByteArrayInputStream(new byte[4096]),
                new ByteArrayOutputStream())).isInstanceOf(KilnException.class)
                .hasMessageContaining("neither gzip nor a bzImage").hasMessageContaining("--decompress-kernel");
    }
}
