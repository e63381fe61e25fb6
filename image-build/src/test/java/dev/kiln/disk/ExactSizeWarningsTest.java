package dev.kiln.disk;

import dev.kiln.api.DiskSource;

import dev.kiln.api.Event;
import dev.kiln.api.Events;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Without rounding (--exact-size) kiln writes a size the cloud refuses when asked to, and says so. */
class ExactSizeWarningsTest {

    @TempDir
    Path dir;

    @Test
    void aVhdThatIsNotWholeMibIsWrittenWithAWarningNamingAzuresRule() throws Exception {
        assertThat(warnings(DiskFormat.VHD, (36L << 20) + 512)).singleElement().asString()
                .contains("not a whole number of MiB").contains("Azure");
    }

    @Test
    void aGcpDiskRawThatIsNotWholeGibIsWrittenWithAWarningNamingGcesRule() throws Exception {
        assertThat(warnings(DiskFormat.GCP_TAR_GZ, 36L << 20)).singleElement().asString()
                .contains("not a whole number of GiB").contains("GCE");
    }

    @Test
    void sizesTheCloudsTakeAndRoundedSizesAreWrittenSilently() throws Exception {
        assertThat(warnings(DiskFormat.VHD, 36L << 20)).isEmpty();
        assertThat(warnings(DiskFormat.GCP_TAR_GZ, 1L << 30)).isEmpty();
        assertThat(warnings(DiskFormat.QCOW2, (36L << 20) + 512)).isEmpty();
    }

    private List<String> warnings(DiskFormat format, long size) throws Exception {
        Path raw = TestDisks.sparse(dir.resolve("d" + size + ".raw"), size);
        TestDisks.data(raw, 4096, 5000, false, 1);
        List<Event> events = new CopyOnWriteArrayList<>();
        try (DiskSource s = DiskImages.open(raw)) {
            DiskImages.write(format, s, dir.resolve("out-" + size + "." + format.id()),
                    WriteOptions.defaults().withRoundSize(false), new Events(events::add, "test"));
        }
        return events.stream().filter(e -> e instanceof Event.Log l && l.level() == Event.Level.WARN)
                .map(e -> ((Event.Log) e).message()).toList();
    }
}
