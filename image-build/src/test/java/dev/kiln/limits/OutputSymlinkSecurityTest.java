package dev.kiln.limits;

import dev.kiln.boot.io.SparseSink;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** An output never writes through a symlink planted where it goes (NAME-cmdline, --result-file, NAME.raw). */
@Tag("security")
class OutputSymlinkSecurityTest {

    @TempDir
    Path dir;

    @Test
    void aPlantedSymlinkIsReplacedAndItsTargetUntouched() throws Exception {
        Path victim = Files.writeString(dir.resolve("bashrc"), "precious\n");
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Path cmdline = Files.createSymbolicLink(out.resolve("linuxkit-cmdline"), victim);

        AtomicFiles.writeString(cmdline, "console=ttyS0");

        assertThat(Files.readString(victim)).isEqualTo("precious\n");
        assertThat(Files.isSymbolicLink(cmdline)).isFalse();
        assertThat(Files.readString(cmdline)).isEqualTo("console=ttyS0");
        try (var left = Files.list(out)) {
            assertThat(left).containsExactly(cmdline);
        }
    }

    @Test
    void aDiskImageChannelDoesNotWriteThroughASymlink() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "precious\n");
        Path raw = Files.createSymbolicLink(dir.resolve("linuxkit.raw"), victim);
        try (FileChannel ch = SparseSink.open(raw)) {
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        }
        assertThat(Files.readString(victim)).isEqualTo("precious\n");
        assertThat(Files.isRegularFile(raw, LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(Files.size(raw)).isEqualTo(3);
    }

    @Test
    void aNamedStreamIsWrittenThrough() {
        assertThat(AtomicFiles.isStream(Path.of("/dev/stdout"))).isTrue();
        assertThat(AtomicFiles.isStream(dir.resolve("x"))).isFalse();
    }
}
