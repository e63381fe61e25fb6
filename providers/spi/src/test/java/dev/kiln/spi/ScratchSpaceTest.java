package dev.kiln.spi;

import dev.kiln.api.KilnException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScratchSpaceTest {

    @TempDir
    Path dir;

    @Test
    void moreThanTheFolderHoldsIsRefusedNamingTheSpaceAndTheOption() throws Exception {
        long free = Files.getFileStore(dir).getUsableSpace();

        assertThatThrownBy(() -> ScratchSpace.require(dir, free + (1L << 40), "convert hello.raw to GCE's tar.gz"))
                .isInstanceOf(KilnException.class)
                .hasMessageStartingWith("Tried to convert hello.raw to GCE's tar.gz in " + dir)
                .hasMessageContaining("it needs up to " + ScratchSpace.size(free + (1L << 40)))
                .hasMessageContaining("--work-dir").hasMessageContaining("KILN_WORK_DIR");
    }

    @Test
    void whatFitsPasses() {
        ScratchSpace.require(dir, 1 << 20, "convert a small disk");
    }

    @Test
    void sizesReadAsAnOperatorWritesThem() {
        assertThat(ScratchSpace.size(512)).isEqualTo("512 bytes");
        assertThat(ScratchSpace.size(3L << 29)).isEqualTo("1.5 GiB");
    }
}
