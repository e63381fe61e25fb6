package dev.kiln.disk;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A disk too large for a format's fields is refused naming the output file and the field; nothing is left. */
@Tag("security")
class DiskFieldsSecurityTest {

    @TempDir
    Path dir;

    @Test
    void aDynamicVhdOf2PiBIsRefusedNamingTheFileAndTheField() {
        Path out = dir.resolve("huge.vhd");
        assertThatThrownBy(() -> DiskImages.write(DiskFormat.DYNAMIC_VHD, new MemoryDiskSource(1L << 51), out,
                WriteOptions.defaults().withThreads(1), Events.none()))
                .isInstanceOf(KilnException.class).hasMessageContaining("image " + out)
                .hasMessageContaining("VHD Max Table Entries");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aStreamVmdkOf1EiBIsRefusedNamingTheFileAndTheField() throws Exception {
        Path out = dir.resolve("huge.vmdk");
        assertThatThrownBy(() -> DiskImages.write(DiskFormat.VMDK, new MemoryDiskSource(1L << 60), out,
                WriteOptions.defaults().withThreads(1), Events.none()))
                .isInstanceOf(KilnException.class).hasMessageContaining("image " + out)
                .hasMessageContaining("VMDK grain directory entries");
        try (var left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }
}
