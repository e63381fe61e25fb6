package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each kind of result document, made by the real command tree, is valid against the result schema (CliRun checks
 * every --output json document; these tests make sure each shape is made at least once). The shapes no offline
 * test can make (cache pull needs a registry; publish and merge are checked in ResultSchemaTest) are hand-written.
 */
class ResultDocumentsTest {

    private static final Set<String> SEEN = new TreeSet<>();

    @TempDir
    Path work;

    private JsonNode kiln(String... args) {
        Map<String, String> env = Map.of("KILN_CACHE", work.resolve("cache").toString(), "HOME", work.toString(),
                "FAKE_TOKEN", "t");
        String[] all = new String[args.length + 2];
        all[0] = "--output";
        all[1] = "json";
        System.arraycopy(args, 0, all, 2, args.length);
        CliRun r = CliRun.run(env, all);
        JsonNode doc = ResultDocuments.parse(r.stdout());
        SEEN.add(doc.get("command").asText() + (doc.has("error") ? " failed" : ""));
        return doc;
    }

    private Path image() throws IOException {
        Path image = work.resolve("hello.raw");
        Files.write(image, new byte[] {1, 2, 3, 4});
        return image;
    }

    @Test
    void buildFromPackedImages() throws IOException {
        Path kernel = Files.createDirectories(work.resolve("k"));
        Files.writeString(kernel.resolve("kernel"), "kernel bytes");
        Files.write(kernel.resolve("kernel.tar"), new byte[1024]);
        Path init = Files.createDirectories(work.resolve("init/etc"));
        Files.writeString(init.resolve("motd"), "hello\n");
        kiln("cache", "pack", kernel.toString(), "--ref", "example.org/kernel:1");
        kiln("cache", "pack", work.resolve("init").toString(), "--ref", "example.org/init:1");
        Files.writeString(work.resolve("hello.yml"), "kernel:\n  image: example.org/kernel:1\n  cmdline: console=ttyS0\n"
                + "init:\n  - example.org/init:1\n");

        JsonNode build = kiln("build", "-f", "tar", "--dir", work.toString(), work.resolve("hello.yml").toString());

        assertThat(build.get("command").asText()).isEqualTo("build");
        assertThat(build.at("/artifacts/0/format").asText()).isEqualTo("tar");
    }

    @Test
    void pushRunAndTheirFailures() throws IOException {
        JsonNode push = kiln("push", "fakecloud", image().toString(), "--tag", "team=core");
        JsonNode dryRun = kiln("push", "fakecloud", image().toString(), "--dry-run");
        JsonNode run = kiln("run", "fakecloud", "hello", "--guest-exit", "0");
        JsonNode failed = kiln("push", "fakecloud", image().toString(), "--fail");
        JsonNode usage = kiln("--frobnicate");

        assertThat(push.get("outcome").asText()).isEqualTo("created");
        assertThat(dryRun.get("outcome").asText()).isEqualTo("dry_run");
        assertThat(run.get("exit_code").asInt()).isZero();
        assertThat(failed.at("/error/kind").asText()).isEqualTo("failure");
        assertThat(usage.at("/error/kind").asText()).isEqualTo("usage");
        assertThat(usage.get("command").asText()).isEqualTo("kiln");
    }

    @Test
    void lsRmAndTheirFailures() throws IOException {
        Path inventory = Files.write(work.resolve("inventory"), java.util.List.of("image img-1 web kiln snapshot:snap-1",
                "instance i-1 box kiln disk:vol-1", "image fail-1 broken kiln"));

        JsonNode ls = kiln("ls", "fakecloud", "--inventory", inventory.toString());
        JsonNode plan = kiln("rm", "fakecloud", "web", "--dry-run", "--inventory", inventory.toString());
        JsonNode rm = kiln("rm", "fakecloud", "web", "fail-1", "--inventory", inventory.toString());
        JsonNode unknown = kiln("rm", "fakecloud", "nothing", "--inventory", inventory.toString());

        assertThat(ls.get("items")).hasSize(3);
        assertThat(plan.get("outcome").asText()).isEqualTo("dry_run");
        assertThat(rm.get("outcome").asText()).isEqualTo("partial");
        assertThat(unknown.at("/error/kind").asText()).isEqualTo("failure");
        assertThat(unknown.get("provider").asText()).isEqualTo("fakecloud");
    }

    @Test
    void listingsAndConvert() throws IOException {
        Path raw = work.resolve("disk.raw");
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            f.setLength(1 << 20);
        }

        assertThat(kiln("version").get("version").asText()).isNotEmpty();
        assertThat(kiln("providers").get("providers")).isNotEmpty();
        assertThat(kiln("formats").get("formats")).isNotEmpty();
        assertThat(kiln("convert", raw.toString(), work.resolve("disk.qcow2").toString()).get("format").asText())
                .isEqualTo("qcow2");
    }

    @Test
    void everyCacheCommand() throws IOException {
        Path tree = Files.createDirectories(work.resolve("tree"));
        Files.writeString(tree.resolve("kernel"), "not really a kernel");
        Path archive = work.resolve("k.tar");

        kiln("cache", "pack", tree.toString(), "--ref", "example.org/kernel:1");
        assertThat(kiln("cache", "ls").get("images")).hasSize(1);
        assertThat(kiln("cache", "export", "example.org/kernel:1", "-o", archive.toString()).get("images")).hasSize(1);
        assertThat(kiln("cache", "rm", "example.org/kernel:1").get("removed")).hasSize(1);
        assertThat(kiln("cache", "import", archive.toString()).get("images")).hasSize(1);
        assertThat(kiln("cache", "gc").get("blobs_deleted").asInt()).isNotNegative();
        assertThat(kiln("cache", "rm", "nope:1").at("/error/kind").asText()).isEqualTo("failure");
    }

    @Test
    void cachePullAsTheCommandWritesIt() {
        ResultDocuments.parse("""
                {"schema": "kiln.dev/result/v1", "command": "cache pull", "arch": "amd64",
                 "images": [{"reference": "docker.io/library/alpine:3.20", "manifest_digest": "sha256:aa",
                             "layers": ["sha256:bb"]}]}
                """);
        SEEN.add("cache pull");
    }

    /** Every shape the schema describes is made by a test here or in ResultSchemaTest (publish, merge). */
    @AfterAll
    static void everyCommandOfTheSchemaWasSeen() {
        Set<String> expected = new TreeSet<>(ResultDocuments.commands());
        expected.removeAll(Set.of("publish", "merge"));
        // a failure names the top command only: "cache", not "cache rm" (OperatorErrors.command)
        expected.addAll(Set.of("push failed", "kiln failed", "cache failed", "rm failed"));

        assertThat(SEEN).containsExactlyInAnyOrderElementsOf(expected);
    }
}
