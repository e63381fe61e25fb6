package dev.kiln.build;

import dev.kiln.core.Digests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

import static org.assertj.core.api.Assertions.assertThat;

class ContentDigestTest {

    @TempDir
    Path tmp;

    @Test
    void aRawDiskIsDigestedByItsNonZeroBlocksAsDocumented() throws IOException {
        Path disk = sparse("disk.raw", 1L << 20, 300_000L, 900_000L);

        MessageDigest expected = Digests.sha256();
        for (long block : new long[] {262_144, 851_968}) {  // the 64 KiB blocks holding the two writes
            expected.update(ByteBuffer.allocate(8).putLong(block).flip());
            byte[] data = new byte[ContentDigest.BLOCK];
            try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "r")) {
                f.seek(block);
                f.readFully(data);
            }
            expected.update(data);
        }
        expected.update(ByteBuffer.allocate(8).putLong(1L << 20).flip());

        assertThat(ContentDigest.of(disk, Format.AWS)).isEqualTo("blocks-sha256:" + Digests.hex(expected.digest()));
    }

    @Test
    void aSparseAndADenseCopyOfTheSameDiskAgreeAndOtherContentDoesNot() throws IOException {
        Path sparse = sparse("a.raw", 8L << 20, 5_000L, 6L << 20);
        Path dense = tmp.resolve("b.raw");
        Files.write(dense, Files.readAllBytes(sparse));
        Path other = sparse("c.raw", 8L << 20, 5_000L, (6L << 20) + 1);

        assertThat(ContentDigest.of(dense, Format.RAW_EFI)).isEqualTo(ContentDigest.of(sparse, Format.RAW_EFI));
        assertThat(ContentDigest.of(other, Format.RAW_EFI)).isNotEqualTo(ContentDigest.of(sparse, Format.RAW_EFI));
    }

    @Test
    void theSizeCountsSoATrailingHoleIsContent() throws IOException {
        Path small = sparse("s.raw", 1L << 20, 100L);
        Path large = sparse("l.raw", 2L << 20, 100L);

        assertThat(ContentDigest.of(small, Format.VHD)).isNotEqualTo(ContentDigest.of(large, Format.VHD));
    }

    @Test
    void otherFormatsAreThePlainSha256OfTheFile() throws IOException {
        Path image = tmp.resolve("hello.qcow2");
        Files.write(image, "not really a qcow2".getBytes());

        assertThat(ContentDigest.of(image, Format.QCOW2_BIOS)).isEqualTo("sha256:" + Digests.sha256Hex(image));
    }

    @Test
    void aHugeEmptyDiskIsDigestedWithoutReadingItsHoles() throws IOException {
        Path huge = sparse("huge.raw", 64L << 30, 1L << 33);

        assertThat(ContentDigest.of(huge, Format.AWS)).startsWith("blocks-sha256:");
    }

    /** A sparse file of {@code size} bytes with the byte 0x5a written at each offset. */
    private Path sparse(String name, long size, long... marks) throws IOException {
        Path p = tmp.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
            for (long at : marks) {
                f.seek(at);
                f.write(0x5a);
            }
        }
        return p;
    }
}
