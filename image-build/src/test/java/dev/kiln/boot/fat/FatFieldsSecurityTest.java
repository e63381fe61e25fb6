package dev.kiln.boot.fat;

import dev.kiln.boot.io.ZeroContent;
import dev.kiln.limits.FieldOverflowException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A FAT32 directory entry holds a 32-bit file size: a file of 4 GiB is refused, not wrapped to a small one. */
@Tag("security")
class FatFieldsSecurityTest {

    @Test
    void aFileOf4GiBIsRefusedInItsDirectoryEntry() {
        FatNode root = new FatNode("", null, null);
        root.clusters = 1;
        FatNode big = new FatNode("BIG.IMG", root, FatFile.of("BIG.IMG", new ZeroContent((1L << 32) + 8)));
        big.firstCluster = 3;
        big.clusters = 1;
        root.children.add(big);

        assertThatThrownBy(() -> Directories.encode(root, "KILN", 4096))
                .isInstanceOf(FieldOverflowException.class)
                .hasMessageContaining("FAT32 file size of BIG")
                .hasMessageContaining("4294967304");
    }

    @Test
    void aFileJustUnder4GiBStillFits() {
        FatNode root = new FatNode("", null, null);
        root.clusters = 1;
        FatNode big = new FatNode("BIG.IMG", root, FatFile.of("BIG.IMG", new ZeroContent(0xffffffffL)));
        big.firstCluster = 3;
        big.clusters = 1;
        root.children.add(big);
        byte[] dir = Directories.encode(root, "KILN", 4096);
        assertThat(java.nio.ByteBuffer.wrap(dir).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(32 + 28)).isEqualTo(-1);
    }
}
