package dev.kiln.build;

import dev.kiln.core.Digests;
import dev.kiln.disk.CountingSource;
import dev.kiln.disk.RawDiskSource;
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

        assertThat(ContentDigest.of(small, Format.AWS)).isNotEqualTo(ContentDigest.of(large, Format.AWS));
    }

    @Test
    void nonDiskOutputsAreThePlainSha256OfTheFile() throws IOException {
        Path iso = tmp.resolve("hello.iso");
        Files.write(iso, "not really an iso".getBytes());

        assertThat(ContentDigest.of(iso, Format.ISO_BIOS)).isEqualTo("sha256:" + Digests.sha256Hex(iso));
        assertThat(ContentDigest.of(iso, Format.TAR)).isEqualTo("sha256:" + Digests.sha256Hex(iso));
    }

    @Test
    void aHugeEmptyDiskIsDigestedWithoutReadingItsHoles() throws IOException {
        Path huge = sparse("huge.raw", 64L << 30, 1L << 33);
        try (CountingSource disk = new CountingSource(new RawDiskSource(huge), false)) {

            String digest = ContentDigest.blocks(disk);

            assertThat(digest).isEqualTo(ContentDigest.of(huge, Format.AWS));
            assertThat(disk.bytesRead()).as("bytes read of a 64 GiB disk holding one byte").isLessThanOrEqualTo(1 << 20);
            assertThat(disk.bytesRead()).as("the block holding the byte is read").isGreaterThanOrEqualTo(ContentDigest.BLOCK);
        }
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
