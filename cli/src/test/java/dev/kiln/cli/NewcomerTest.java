package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.build.Format;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.Providers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a newcomer runs into in the first hour (issue 21), each driven through the real command tree
 * with captured stdout and stderr, as typed at a shell.
 */
class NewcomerTest {

    @TempDir
    Path tmp;

    private Path image;

    @BeforeEach
    void anImage() throws IOException {
        image = tmp.resolve("hello.raw");
        Files.write(image, new byte[] {1, 2, 3, 4});
    }

    @Test
    void pushOrRunWithoutAnImageIsAUsageErrorNamingWhatIsMissingForEveryInstalledProvider() {
        List<ProviderFactory> installed = Providers.installed();
        List<String> tried = new ArrayList<>();
        for (ProviderFactory factory : installed) {
            for (String verb : List.of("push", "run")) {
                if (verb.equals("push") ? !factory.canPush() : !factory.canRun()) {
                    continue;
                }
                CliRun r = CliRun.run(verb, factory.name());
                tried.add(verb + " " + factory.name());

                assertThat(r.exitCode()).as(verb + " " + factory.name() + ": " + r.stderr()).isEqualTo(2);
                assertThat(r.stderr()).as(verb + " " + factory.name())
                        .contains("Missing required parameter: 'IMAGE'")
                        .contains("Try 'kiln " + verb + " " + factory.name() + " --help'")
                        .doesNotContain("Exception");
            }
        }
        assertThat(tried).contains("push fakecloud", "run fakecloud");
    }

    @Test
    void anUnknownProviderIsNamedWithTheInstalledOnes() throws IOException {
        String installed = String.join(", ", Providers.installed().stream().filter(ProviderFactory::canPush)
                .map(ProviderFactory::name).toList());

        CliRun push = CliRun.run("push", "nimbus", image.toString());
        CliRun json = CliRun.run("--output", "json", "run", "nimbus", "hello");

        assertThat(push.exitCode()).isEqualTo(2);
        assertThat(push.stderr()).contains("kiln: no provider named 'nimbus' is installed for push; installed: "
                + installed + " (see 'kiln providers')").doesNotContain("Unmatched arguments");
        assertThat(json.exitCode()).isEqualTo(2);
        JsonNode doc = ResultDocuments.parse(json.stdout());
        assertThat(doc.get("outcome").asText()).isEqualTo("failed");
        assertThat(doc.get("command").asText()).isEqualTo("run");
        assertThat(doc.get("error").get("message").asText()).startsWith("no provider named 'nimbus' is installed for run");
        assertThat(doc.get("error").get("exit_code").asInt()).isEqualTo(2);
        assertThat(doc.get("error").get("kind").asText()).isEqualTo("usage");
    }

    /** Input the user must fix, found before anything ran, exits 2 whatever the command. */
    @Test
    void everyCommandExitsTwoOnInputTheUserMustFix() throws IOException {
        Path typo = Files.writeString(tmp.resolve("typo.yml"), "kernel:\n  imagee: example.org/kernel:1\n");
        Path invalid = Files.writeString(tmp.resolve("invalid.yml"), "kernel: [\n");
        Path cache = tmp.resolve("cache");
        Map<String, String[]> cases = new LinkedHashMap<>();
        cases.put("no command", new String[] {});
        cases.put("unknown command", new String[] {"bulid"});
        cases.put("build: a YAML typo", new String[] {"build", "--cache", cache.toString(), typo.toString()});
        cases.put("build: invalid YAML", new String[] {"build", "--cache", cache.toString(), invalid.toString()});
        cases.put("build: no such file", new String[] {"build", tmp.resolve("nope.yml").toString()});
        cases.put("build: unknown format", new String[] {"build", "-f", "rawefi", typo.toString()});
        cases.put("push: no provider", new String[] {"push"});
        cases.put("push: unknown provider", new String[] {"push", "nimbus", image.toString()});
        cases.put("push: no image", new String[] {"push", "fakecloud"});
        cases.put("push: no such image file", new String[] {"push", "fakecloud", tmp.resolve("nope.raw").toString()});
        cases.put("push: unknown flag", new String[] {"push", "fakecloud", "--regoin", "x", image.toString()});
        cases.put("run: no provider", new String[] {"run"});
        cases.put("run: no image", new String[] {"run", "fakecloud"});
        cases.put("providers: unknown flag", new String[] {"providers", "--all"});
        cases.put("formats: extra argument", new String[] {"formats", "raw"});
        cases.put("convert: no such file", new String[] {"convert", tmp.resolve("nope.raw").toString(),
                tmp.resolve("out.vhd").toString(), "-f", "vhd"});
        cases.put("convert: unknown format", new String[] {"convert", image.toString(), tmp.resolve("o").toString(),
                "-f", "vhdx"});
        cases.put("cache: no subcommand", new String[] {"cache"});
        cases.put("cache pull: a malformed registry", new String[] {"cache", "pull", "--cache", cache.toString(),
                "--insecure-registry", "https://registry.lan", "registry.lan/app:1"});
        cases.put("version: extra argument", new String[] {"version", "now"});
        cases.put("completion: unknown shell", new String[] {"completion", "fish"});

        Map<String, String> wrong = new LinkedHashMap<>();
        cases.forEach((what, args) -> {
            CliRun r = CliRun.run(Map.of("FAKE_TOKEN", "t", "KILN_CACHE", cache.toString()), args);
            if (r.exitCode() != 2 || !r.stderr().startsWith("kiln: ") && !r.stderr().contains("\nkiln: ")) {
                wrong.put(what, "exit " + r.exitCode() + ": " + r.stderr());
            }
        });
        assertThat(wrong).as("cases that did not exit 2 with a 'kiln: ' message").isEmpty();
    }

    /** A dry run checks the format as the real push would, before any credential or network call. */
    @Test
    void pushRefusesAFormatTheProviderDoesNotTakeAsAUsageErrorEvenInADryRun() throws IOException {
        List<String> refused = new ArrayList<>();
        for (ProviderFactory factory : Providers.installed().stream().filter(ProviderFactory::canPush).toList()) {
            for (Format format : Format.values()) {
                List<String> files = format.fileNames("hello");
                if (files.size() != 1 || factory.accepts().stream().anyMatch(f -> f.id().equals(format.id()))) {
                    continue;
                }
                Path file = tmp.resolve(factory.name()).resolve(files.get(0));
                Files.createDirectories(file.getParent());
                Files.write(file, new byte[512]);

                CliRun r = CliRun.run(Map.of("FAKE_TOKEN", "t"), "push", factory.name(), file.toString(), "--dry-run");

                assertThat(r.exitCode()).as(factory.name() + " " + format.id() + ": " + r.stderr()).isEqualTo(2);
                assertThat(r.stderr()).contains("kiln: " + files.get(0) + " is " + format.id() + ", which "
                        + factory.name() + " does not take; it takes ");
                assertThat(r.stdout()).doesNotContain("would");
                refused.add(factory.name() + " " + format.id());
            }
        }
        assertThat(refused).contains("fakecloud ova", "fakecloud gcp", "fakecloud iso-bios");
    }

    @Test
    void verboseDoesNotTurnAnOperatorErrorIntoAStackTrace() {
        CliRun verbose = CliRun.run(Map.of("FAKE_TOKEN", "t"), "-v", "push", "fakecloud", image.toString(), "--fail");
        CliRun asked = CliRun.run(Map.of("FAKE_TOKEN", "t"), "-v", "--stacktrace", "push", "fakecloud",
                image.toString(), "--fail");

        assertThat(verbose.exitCode()).isEqualTo(1);
        assertThat(verbose.stderr()).contains("kiln: Tried to register hello but the fake cloud said no")
                .doesNotContain("\tat ", "KilnException");
        assertThat(asked.stderr()).contains("\tat dev.kiln");
    }

    @Test
    void aFailureWithJsonOutputStillPrintsOneDocumentAndWritesTheResultFile() throws IOException {
        Path resultFile = tmp.resolve("result.json");

        CliRun r = CliRun.run(Map.of("FAKE_TOKEN", "t"), "--output", "json", "--result-file", resultFile.toString(),
                "push", "fakecloud", image.toString(), "--fail");

        assertThat(r.exitCode()).isEqualTo(1);
        JsonNode doc = ResultDocuments.parse(r.stdout());
        assertThat(doc.get("schema").asText()).isEqualTo("kiln.dev/result/v1");
        assertThat(doc.get("command").asText()).isEqualTo("push");
        assertThat(doc.get("outcome").asText()).isEqualTo("failed");
        assertThat(doc.get("error").get("message").asText())
                .isEqualTo("Tried to register hello but the fake cloud said no; removed snapshot snap-1");
        assertThat(doc.get("error").get("exit_code").asInt()).isEqualTo(1);
        assertThat(doc.get("error").get("kind").asText()).isEqualTo("failure");
        assertThat(ResultDocuments.read(resultFile)).isEqualTo(doc);
        assertThat(r.stderr()).contains("kiln: Tried to register hello");
    }

    @Test
    void aFailureWithTextOutputPrintsNothingOnStdoutButStillWritesTheResultFile() throws IOException {
        Path resultFile = tmp.resolve("result.json");

        CliRun r = CliRun.run("--result-file", resultFile.toString(), "build", tmp.resolve("nope.yml").toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stdout()).isEmpty();
        JsonNode doc = ResultDocuments.read(resultFile);
        assertThat(doc.get("command").asText()).isEqualTo("build");
        assertThat(doc.get("outcome").asText()).isEqualTo("failed");
        assertThat(doc.get("error").get("kind").asText()).isEqualTo("usage");
    }

    /**
     * {@code --dir} names a folder that does not exist yet and the scratch folder is elsewhere (so
     * nothing else happens to create it): every format makes the folder the same way.
     */
    @Test
    void buildIntoAMissingFolderCreatesItForEveryFormat() throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("KILN_CACHE", tmp.resolve("cache").toString(),
                "HOME", tmp.toString(), "KILN_WORK_DIR", Files.createDirectories(tmp.resolve("scratch")).toString()));
        Path kernel = Files.createDirectories(tmp.resolve("k"));
        Files.writeString(kernel.resolve("kernel"), "kernel bytes");
        Files.write(kernel.resolve("kernel.tar"), new byte[1024]);
        Path init = Files.createDirectories(tmp.resolve("init/bin"));
        Files.copy(Path.of("/bin/busybox"), init.resolve("busybox"));
        ok(CliRun.run(env, "cache", "pack", kernel.toString(), "--ref", "example.org/kernel:1"));
        ok(CliRun.run(env, "cache", "pack", tmp.resolve("init").toString(), "--ref", "example.org/init:1"));
        Path yml = Files.writeString(tmp.resolve("hello.yml"), "kernel:\n  image: example.org/kernel:1\n"
                + "  cmdline: console=ttyS0\ninit:\n  - example.org/init:1\n");

        for (Format format : Format.values()) {
            Path dir = tmp.resolve("new-" + format.id()).resolve("deeper");

            CliRun r = CliRun.run(env, "-q", "build", "-f", format.id(), "--dir", dir.toString(), yml.toString());

            assertThat(r.exitCode()).as(format.id() + ": " + r.stderr()).isZero();
            for (String file : format.fileNames("hello")) {
                assertThat(dir.resolve(file)).as(format.id()).isRegularFile();
            }
        }
    }

    @Test
    void aDryRunPushSaysWhatWouldHappenWithNothingDangling() {
        CliRun r = CliRun.run(Map.of("FAKE_TOKEN", "t"), "push", "fakecloud", image.toString(), "--dry-run");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("hello would be published on fakecloud (dry run)" + System.lineSeparator());
    }

    @Test
    void completionHelpShowsTheZshLineAsTyped() {
        CliRun r = CliRun.run("completion", "--help");

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).contains("kiln completion zsh > \"${fpath[1]}/_kiln\"").doesNotContain("null/_kiln");
    }

    @Test
    void runHelpSaysWhatTheProviderBootsAndOffersAwsNoLocalFile() {
        List<String> installed = Providers.installed().stream().map(ProviderFactory::name).toList();
        assumeTrue(installed.containsAll(List.of("aws", "qemu")), "aws and qemu are not staged: package them first");

        String aws = CliRun.run("run", "aws", "--help").stdout().replaceAll("\\s+", " ");
        String qemu = CliRun.run("run", "qemu", "--help").stdout().replaceAll("\\s+", " ");
        String fake = CliRun.run("run", "fakecloud", "--help").stdout().replaceAll("\\s+", " ");

        assertThat(aws).contains("IMAGE Image to start: an AMI id (ami-...) or name in the region")
                .doesNotContain("local file");
        assertThat(qemu).contains("IMAGE Image to start: a local disk or ISO file, or the NAME of a kernel+initrd");
        assertThat(fake).contains("IMAGE Image to start: an image id or name. ");
    }

    private static void ok(CliRun run) {
        assertThat(run.exitCode()).as(run.stderr()).isZero();
    }
}
