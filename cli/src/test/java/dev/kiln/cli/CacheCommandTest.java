package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the real {@code kiln cache} commands with captured output. */
class CacheCommandTest {

    @TempDir
    Path work;

    private record Run(int code, String out, String err) {
        JsonNode json() {
            return ResultDocuments.parse(out);
        }
    }

    private Run kiln(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Session session = Session.of(out, err, Map.of("KILN_CACHE", work.resolve("cache").toString(), "HOME", work.toString()),
                Interrupts.none());
        int code = Kiln.commandLine(session, List.of()).execute(args);
        ResultDocuments.checkRun(args, out.toString(StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path tree() throws Exception {
        Path dir = Files.createDirectories(work.resolve("kernel"));
        Files.writeString(dir.resolve("kernel"), "not really a kernel");
        return dir;
    }

    @Test
    void packsADirectoryAndListsItFromKilnCache() throws Exception {
        Run pack = kiln("cache", "pack", tree().toString(), "--ref", "example.org/kernel:1", "--label", "a=b", "--output", "json");
        Run ls = kiln("cache", "ls", "--output", "json");

        assertThat(pack.code()).as(pack.err()).isZero();
        assertThat(pack.json().path("reference").asText()).isEqualTo("example.org/kernel:1");
        assertThat(ls.json().path("cache").asText()).isEqualTo(work.resolve("cache").toString());
        JsonNode image = ls.json().path("images").get(0);
        assertThat(image.path("reference").asText()).isEqualTo("example.org/kernel:1");
        assertThat(image.path("digest").asText()).isEqualTo(pack.json().path("manifest_digest").asText());
        assertThat(image.path("platforms").get(0).asText()).isEqualTo("linux/amd64");
    }

    @Test
    void exportRmAndImportRoundTripThroughAnArchive() throws Exception {
        kiln("cache", "pack", tree().toString(), "--ref", "example.org/kernel:1");
        Path archive = work.resolve("k.tar");

        Run export = kiln("cache", "export", "example.org/kernel:1", "-o", archive.toString());
        Run rm = kiln("cache", "rm", "example.org/kernel:1", "--output", "json");
        Run empty = kiln("cache", "ls", "--output", "json");
        Run imported = kiln("cache", "import", archive.toString());

        assertThat(export.code()).as(export.err()).isZero();
        assertThat(rm.json().path("removed").get(0).asText()).isEqualTo("example.org/kernel:1");
        assertThat(rm.json().path("blobs_deleted").asInt()).isEqualTo(3);
        assertThat(empty.json().path("images")).isEmpty();
        assertThat(imported.out()).contains("imported example.org/kernel:1");
        assertThat(kiln("cache", "ls").out()).contains("example.org/kernel:1");
    }

    @Test
    void removingAnUnknownImageFailsWithAHint() {
        Run rm = kiln("cache", "rm", "nope:1");

        assertThat(rm.code()).isEqualTo(Kiln.FAILURE);
        assertThat(rm.err()).contains("docker.io/library/nope:1").contains("kiln cache ls");
    }

    @Test
    void theCacheFlagWinsOverKilnCache() throws Exception {
        Path other = work.resolve("other");
        kiln("cache", "pack", tree().toString(), "--ref", "x/y:1", "--cache", other.toString());

        assertThat(Files.readString(other.resolve("index.json"))).contains("docker.io/x/y:1");
        assertThat(kiln("cache", "ls", "--output", "json").json().path("images")).isEmpty();
    }

    @Test
    void aBadArchitectureIsAUsageError() throws Exception {
        assertThat(kiln("cache", "pack", tree().toString(), "--ref", "x/y:1", "--arch", "riscv").code()).isEqualTo(Kiln.USAGE);
    }
}
