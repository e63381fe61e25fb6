package dev.kiln.rootfs;

import dev.kiln.disk.tar.TarHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Ctrl-C (the command thread interrupted) stops the initrd and root filesystem phases at the next entry. */
@Tag("security")
class InterruptSecurityTest {

    @TempDir
    Path dir;

    @AfterEach
    void clearFlag() {
        Thread.interrupted();
    }

    @Test
    void theInitrdSplitStopsWhenInterrupted() throws Exception {
        byte[] tar = new byte[TarHeaders.BLOCK * 6];
        TarHeaders.ustar("etc/a", 0, 0).get(tar, 0, TarHeaders.BLOCK);
        TarHeaders.ustar("etc/b", 0, 0).get(tar, TarHeaders.BLOCK, TarHeaders.BLOCK);
        Path rootfs = Files.write(dir.resolve("rootfs.tar"), tar);

        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> InitrdWriter.split(rootfs, dir)).isInstanceOf(InterruptedIOException.class)
                .hasMessageContaining("initrd");
    }

    @Test
    void theRootFilesystemStopsWhenInterrupted() throws Exception {
        try (RootfsWriter out = new RootfsWriter(new ByteArrayOutputStream())) {
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> out.write(TarEntry.file("etc/x", 0644, 1), new byte[] {1}, "test", "files[0]"))
                    .isInstanceOf(InterruptedIOException.class);
            Thread.interrupted();
        }
    }
}
