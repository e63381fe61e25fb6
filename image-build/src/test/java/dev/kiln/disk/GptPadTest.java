package dev.kiln.disk;

import dev.kiln.api.DiskSource;

import dev.kiln.boot.Tools;
import dev.kiln.boot.part.Gpt;
import dev.kiln.boot.part.GptPartition;
import dev.kiln.boot.part.Mbr;
import dev.kiln.api.Event;
import dev.kiln.api.Events;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Padding a disk to a cloud's size keeps its GPT whole, as sgdisk and sfdisk read it. */
class GptPadTest {

    private static final long SIZE = 36L << 20;

    @TempDir
    Path dir;
    private final List<Event> events = new CopyOnWriteArrayList<>();

    @Test
    void paddingARawDiskMovesTheBackupGptToTheNewEnd() throws Exception {
        Path out = convert(DiskFormat.RAW, gptDisk(), "padded.raw");

        assertThat(Files.size(out)).isEqualTo(1L << 30);
        assertValidGpt(out);
        assertThat(warnings()).isEmpty();
    }

    @Test
    void theGcpDiskRawIsPaddedWithItsGptMovedToo() throws Exception {
        Path out = convert(DiskFormat.GCP_TAR_GZ, gptDisk(), "disk.img.tar.gz");
        Path x = Files.createDirectories(dir.resolve("x"));
        Tools.ok("tar", "-xSzf", out.toString(), "-C", x.toString());

        assertThat(Files.size(x.resolve("disk.raw"))).isEqualTo(1L << 30);
        assertValidGpt(x.resolve("disk.raw"));
    }

    @Test
    void aVhdPaddedToWholeMibKeepsItsGptAtTheEnd() throws Exception {
        Path raw = gptDisk(SIZE + 4096);
        Path vhd = convert(DiskFormat.VHD, raw, "disk.vhd");
        Path back = dir.resolve("back.raw");
        try (DiskSource s = DiskImages.open(vhd)) {
            DiskImages.write(DiskFormat.RAW, s, back, WriteOptions.defaults().withRoundSize(false), Events.none());
        }

        assertThat(Files.size(back)).isEqualTo(SIZE + (1 << 20));
        assertValidGpt(back);
    }

    @Test
    void aGptKilnDidNotLayOutIsLeftAloneAndTheOperatorIsTold() throws Exception {
        Path raw = gptDisk();
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            f.seek(SIZE - 512 + 16);  // the backup header's CRC: not the layout kiln writes
            f.write(new byte[] {1, 2, 3, 4});
        }
        byte[] before = Files.readAllBytes(raw);

        Path out = convert(DiskFormat.RAW, raw, "other.raw");

        byte[] head = new byte[before.length];
        try (RandomAccessFile f = new RandomAccessFile(out.toFile(), "r")) {
            f.readFully(head);
        }
        assertThat(head).isEqualTo(before);
        assertThat(warnings()).singleElement().asString().contains("partition table was not moved");
    }

    private void assertValidGpt(Path disk) throws Exception {
        assertThat(Tools.ok("sgdisk", "-v", disk.toString())).contains("No problems found");
        Tools.Result sfdisk = Tools.run("sfdisk", "-V", disk.toString());
        assertThat(sfdisk.exit()).as(sfdisk.out()).isZero();
        assertThat(sfdisk.out()).doesNotContain("mismatch").doesNotContain("not on the end");
        assertThat(Tools.ok("sfdisk", "--dump", disk.toString())).contains("start=        2048, size=       20480")
                .contains("name=\"data\"");
    }

    private Path convert(DiskFormat format, Path raw, String name) throws Exception {
        Path out = dir.resolve(name);
        try (DiskSource s = DiskImages.open(raw)) {
            DiskImages.write(format, s, out, WriteOptions.defaults(), new Events(events::add, "test"));
        }
        return out;
    }

    private List<String> warnings() {
        return events.stream().filter(e -> e instanceof Event.Log l && l.level() == Event.Level.WARN)
                .map(e -> ((Event.Log) e).message()).toList();
    }

    private Path gptDisk() throws Exception {
        return gptDisk(SIZE);
    }

    /** A disk laid out as kiln lays one out: protective MBR, GPT, one partition with data. */
    private Path gptDisk(long size) throws Exception {
        Path raw = TestDisks.sparse(dir.resolve("gpt-" + size + ".raw"), size);
        long sectors = size / 512;
        Gpt gpt = new Gpt(sectors, UUID.nameUUIDFromBytes("disk".getBytes()), List.of(new GptPartition(
                UUID.fromString("0FC63DAF-8483-4772-8E79-3D69D8477DE4"), UUID.nameUUIDFromBytes("p".getBytes()),
                2048, 2048 + 20480 - 1, 0, "data")));
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            f.write(Mbr.protective(new byte[0], 0x1234, sectors));
            f.write(gpt.primary());
            f.seek(2048 * 512);
            f.write(TestDisks.bytes(100_000, false, 7));
            f.seek(size - Gpt.SECTORS * 512L);
            f.write(gpt.backup());
        }
        return raw;
    }
}
