package dev.kiln.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Scratch folders go next to the image, or where --work-dir / KILN_WORK_DIR say: never java.io.tmpdir. */
class WorkDirTest {

    @TempDir
    Path tmp;

    private Path image() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("images"));
        return Files.write(dir.resolve("hello.raw"), new byte[4096]);
    }

    @Test
    void pushWorksNextToTheImageByDefault() throws Exception {
        Path image = image();

        CliRun push = CliRun.run(Map.of("FAKE_TOKEN", "t"), "-v", "push", "fakecloud", image.toString());

        assertThat(push.exitCode()).as(push.stderr()).isZero();
        assertThat(push.stderr()).contains("work dir " + image.getParent().resolve(".kiln-fakecloud-"));
        assertThat(leftovers(image.getParent())).as("the scratch folder is removed afterwards").isEmpty();
    }

    @Test
    void theOptionBeatsTheEnvironmentWhichBeatsTheDefault() throws Exception {
        Path image = image();
        Path byEnv = tmp.resolve("env-scratch");
        Path byFlag = tmp.resolve("flag-scratch");

        CliRun env = CliRun.run(Map.of("FAKE_TOKEN", "t", "KILN_WORK_DIR", byEnv.toString()),
                "-v", "push", "fakecloud", image.toString());
        CliRun flag = CliRun.run(Map.of("FAKE_TOKEN", "t", "KILN_WORK_DIR", byEnv.toString()),
                "-v", "--work-dir", byFlag.toString(), "push", "fakecloud", image.toString());

        assertThat(env.exitCode()).as(env.stderr()).isZero();
        assertThat(env.stderr()).contains("work dir " + byEnv.resolve(".kiln-fakecloud-"));
        assertThat(flag.exitCode()).as(flag.stderr()).isZero();
        assertThat(flag.stderr()).contains("work dir " + byFlag.resolve(".kiln-fakecloud-"));
    }

    @Test
    void aWorkDirThatCannotBeMadeIsAClearErrorNamingTheOption() throws Exception {
        Path image = image();
        Path notAFolder = Files.writeString(tmp.resolve("a-file"), "x");

        CliRun push = CliRun.run(Map.of("FAKE_TOKEN", "t"), "push", "fakecloud", image.toString(),
                "--work-dir", notAFolder.toString());
        CliRun build = CliRun.run(Map.of("KILN_WORK_DIR", notAFolder.toString(), "HOME", tmp.toString(),
                "KILN_CACHE", tmp.resolve("cache").toString()), "build", "-f", "tar", "--dir", tmp.toString(),
                Files.writeString(tmp.resolve("hello.yml"), "kernel:\n  image: example.org/kernel:1\n").toString());

        assertThat(push.exitCode()).isEqualTo(1);
        assertThat(push.stderr()).contains("Tried to create a scratch folder in " + notAFolder)
                .contains("--work-dir").contains("KILN_WORK_DIR");
        assertThat(build.exitCode()).isEqualTo(1);
        assertThat(build.stderr()).contains("Tried to create a scratch folder in " + notAFolder)
                .contains("--work-dir");
    }

    private static java.util.List<Path> leftovers(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(".kiln-")).toList();
        }
    }
}
