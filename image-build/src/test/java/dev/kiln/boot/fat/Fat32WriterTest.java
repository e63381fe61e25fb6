package dev.kiln.boot.fat;

import dev.kiln.boot.Tools;
import dev.kiln.boot.io.Content;
import dev.kiln.boot.io.SparseSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class Fat32WriterTest {

    @TempDir
    Path dir;

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private Path write(List<FatFile> files, long diskOffset) throws Exception {
        Path img = dir.resolve("fat.img");
        Fat32Layout layout = Fat32Layout.plan(Fat32Layout.sizeFor(files), files, diskOffset, "ESP", 0x1234abcd);
        try (FileChannel ch = SparseSink.open(img)) {
            SparseSink sink = new SparseSink(ch, 0);
            Fat32Writer.write(layout, sink);
            ch.write(java.nio.ByteBuffer.wrap(new byte[1]), sink.position() - 1);
        }
        return img;
    }

    @Test
    void fsckFindsNoErrorsAndMtoolsReadsTheFilesBack() throws Exception {
        byte[] uki = random(3_000_001, 1);
        byte[] cfg = "timeout 0\n".getBytes();
        Path img = write(List.of(FatFile.of("EFI/BOOT/BOOTX64.EFI", Content.of(uki)),
                FatFile.of("loader/loader.cfg", Content.of(cfg)),
                FatFile.of("EMPTY", Content.of(new byte[0]))), 0);

        String fsck = Tools.ok("fsck.vfat", "-n", "-v", img.toString());
        assertThat(fsck).contains("32 bit entries").doesNotContain("Free cluster summary wrong");
        Path out = dir.resolve("out.efi");
        Tools.ok("mcopy", "-n", "-i", img.toString(), "::/EFI/BOOT/BOOTX64.EFI", out.toString());
        assertThat(Files.readAllBytes(out)).isEqualTo(uki);
        Tools.ok("mcopy", "-n", "-i", img.toString(), "::/loader/loader.cfg", dir.resolve("l.conf").toString());
        assertThat(Files.readAllBytes(dir.resolve("l.conf"))).isEqualTo(cfg);
        assertThat(Tools.ok("mdir", "-i", img.toString(), "::/")).contains("loader").contains("EFI");
    }

    @Test
    void alignedFilesStartOnTheAskedBoundaryOfTheDisk() throws Exception {
        List<FatFile> files = List.of(FatFile.of("A.TXT", Content.of(random(700, 2))),
                new FatFile("B.BIN", Content.of(random(5000, 3)), 4096));
        Fat32Layout layout = Fat32Layout.plan(Fat32Layout.sizeFor(files), files, 1 << 20, "ESP", 1);

        assertThat(((1 << 20) + layout.offsetOf("B.BIN")) % 4096).isZero();
        Path img = write(files, 1 << 20);
        assertThat(Tools.run("fsck.vfat", "-n", img.toString()).exit()).isZero();
    }

    @Test
    void sameFilesGiveSameBytes() throws Exception {
        List<FatFile> files = List.of(FatFile.of("EFI/BOOT/BOOTX64.EFI", Content.of(random(100_000, 4))));
        byte[] a = Files.readAllBytes(write(files, 0));
        byte[] b = Files.readAllBytes(write(files, 0));
        assertThat(a).isEqualTo(b);
    }
}
