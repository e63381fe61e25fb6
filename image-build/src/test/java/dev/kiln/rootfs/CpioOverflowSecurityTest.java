package dev.kiln.rootfs;

import dev.kiln.api.KilnException;
import dev.kiln.disk.tar.TarHeaders;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** newc header fields are 32 bits: a value that does not fit is refused, never wrapped (issue 20, High). */
@Tag("security")
class CpioOverflowSecurityTest {

    private static final long FOUR_GIB_PLUS_8 = (1L << 32) + 8;

    @TempDir
    Path dir;

    /** A stream that claims to be huge and fails the test if anyone reads it. */
    private static final InputStream UNREAD = new InputStream() {
        @Override
        public int read() {
            throw new AssertionError("the data of a refused entry must not be read");
        }
    };

    @Test
    void aFileOf4GiBOrMoreIsRefusedBeforeAnyByteOfItIsWritten() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CpioWriter cpio = new CpioWriter(out);
        cpio.write("ok", CpioWriter.S_IFREG | 0644, 0, 0, 0, 2, 0, 0, new java.io.ByteArrayInputStream(new byte[2]));
        int before = out.size();

        assertThatThrownBy(() -> cpio.write("containers/services/big/rootfs/blob", CpioWriter.S_IFREG | 0644, 0, 0, 0,
                FOUR_GIB_PLUS_8, 0, 0, UNREAD))
                .isInstanceOf(CpioWriter.CpioFieldException.class)
                .hasMessageContaining("containers/services/big/rootfs/blob")
                .hasMessageContaining("size")
                .hasMessageContaining("4294967304");
        assertThat(out.size()).isEqualTo(before);
    }

    @Test
    void aUidOrGidOver32BitsIsRefusedNotWrappedToRoot() {
        CpioWriter cpio = new CpioWriter(new ByteArrayOutputStream());
        assertThatThrownBy(() -> cpio.write("f", CpioWriter.S_IFREG | 0644, 0, 1L << 32, 0, 0, 0, 0,
                InputStream.nullInputStream()))
                .isInstanceOf(CpioWriter.CpioFieldException.class).hasMessageContaining("gid");
        assertThatThrownBy(() -> cpio.write("f", CpioWriter.S_IFREG | 0644, -1, 0, 0, 0, 0, 0,
                InputStream.nullInputStream()))
                .isInstanceOf(CpioWriter.CpioFieldException.class).hasMessageContaining("uid");
    }

    @Test
    void anEntryNamedLikeTheTrailerIsRefused() {
        CpioWriter cpio = new CpioWriter(new ByteArrayOutputStream());
        assertThatThrownBy(() -> cpio.write("TRAILER!!!", CpioWriter.S_IFREG | 0644, 0, 0, 0, 0, 0, 0,
                InputStream.nullInputStream()))
                .isInstanceOf(CpioWriter.CpioFieldException.class).hasMessageContaining("TRAILER!!!");
    }

    /** The root filesystem tar claims a 4 GiB + 8 byte member (its data are never read): the split names it. */
    @Test
    void theInitrdSplitNamesTheEntryAndItsImage() throws IOException {
        ByteBuffer header = TarHeaders.ustar("containers/services/big/rootfs/blob", FOUR_GIB_PLUS_8, 0);
        byte[] tar = new byte[TarHeaders.BLOCK * 4];
        header.get(tar, 0, TarHeaders.BLOCK);
        Path rootfs = dir.resolve("rootfs.tar");
        Files.write(rootfs, tar);

        assertThatThrownBy(() -> InitrdWriter.split(rootfs, dir, e -> "image example.org/big:1 (services big)"))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("/containers/services/big/rootfs/blob")
                .hasMessageContaining("image example.org/big:1 (services big)")
                .hasMessageContaining("4 GiB");
    }
}
