package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.build.ContentDigest;
import dev.kiln.build.Format;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KilnCliTest {

    @TempDir
    Path tmp;

    private Path image;

    @BeforeEach
    void anImage() throws IOException {
        image = tmp.resolve("hello.raw");
        Files.write(image, new byte[] {1, 2, 3, 4});
    }

    @Test
    void helpListsCommandsAndInstalledProviders() {
        CliRun root = CliRun.run("--help");
        CliRun push = CliRun.run("push", "--help");

        assertThat(root.exitCode()).isZero();
        assertThat(root.stdout()).contains("build", "push", "run", "providers", "formats", "cache", "version",
                "completion", "--output", "--console", "--stacktrace");
        assertThat(push.stdout()).contains("fakecloud", "a test-only cloud");
    }

    @Test
    void providerHelpShowsItsFlagsWithEnvAndDefaultsButNoSecretValues() {
        CliRun help = CliRun.run(Map.of("FAKE_TOKEN", "hunter2"), "push", "fakecloud", "--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout().replaceAll("\\s+", " ")).contains("--region=REGION", "env: FAKE_REGION", "default: local-1",
                "--token=TOKEN", "secret: never printed", "--tag=KEY=VALUE", "repeatable", "--dry-run", "IMAGE");
        assertThat(help.stdout()).doesNotContain("hunter2");
    }

    @Test
    void aProviderOnTheClassPathAddsPushAndRun() {
        CliRun push = CliRun.run(Map.of("FAKE_TOKEN", "t"), "push", "fakecloud", image.toString());
        CliRun run = CliRun.run("run", "fakecloud", "hello", "--cpus", "3");

        assertThat(push.exitCode()).as(push.stderr()).isZero();
        assertThat(push.stdout()).contains("hello published: local-1:img-");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("hello running on fakecloud (instance i-hello)", "private_ipv4=10.0.0.3");
    }

    @Test
    void runOfALocalFileHandsTheProviderTheFileDescribedAsPushWouldBeforeItBoots() throws IOException {
        Path efi = Files.write(tmp.resolve("hello-efi.img"), new byte[1024]);

        CliRun run = CliRun.run("run", "fakecloud", efi.toString());

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("hello-efi.img running on fakecloud (instance i-hello)")
                .containsPattern("pushed=raw-efi:hello:blocks-sha256:[0-9a-f]{64}").contains("pushed_arch=amd64");
    }

    @Test
    void runOfALocalFileHandsTheProviderTheArchitectureItWasGiven() throws IOException {
        Path efi = Files.write(tmp.resolve("hello-efi.img"), new byte[1024]);

        CliRun run = CliRun.run("run", "fakecloud", efi.toString(), "--arch", "arm64");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("pushed_arch=arm64");
        assertThat(CliRun.run("run", "fakecloud", "--help").stdout()).contains("--arch=amd64|arm64");
    }

    @Test
    void runOfABuildTakesTheArchitectureOfItsRecordUnlessArchIsGiven() throws IOException {
        for (String f : List.of("hello-kernel", "hello-initrd.img", "hello-cmdline")) {
            Files.writeString(tmp.resolve(f), f);
        }
        Files.writeString(tmp.resolve("hello.kiln.json"), """
                {"schema": "kiln.dev/build-record/v1", "name": "hello", "arch": "arm64", "content_digest": "sha256:00",
                 "outputs": [{"format": "kernel+initrd",
                              "files": {"kernel": "hello-kernel", "initrd": "hello-initrd.img", "cmdline": "hello-cmdline"}}]}
                """);

        CliRun built = CliRun.run("run", "fakecloud", tmp.toString());
        CliRun given = CliRun.run("run", "fakecloud", tmp.toString(), "--arch", "amd64");

        assertThat(built.exitCode()).as(built.stderr()).isZero();
        assertThat(built.stdout()).contains("pushed_arch=arm64");
        assertThat(given.stdout()).contains("pushed_arch=amd64");
        assertThat(given.stderr()).contains("--arch amd64 overrides the arm64");
    }

    @Test
    void flagBeatsEnvBeatsDefaultOnTheCommandLine() throws IOException {
        String byDefault = region(Map.of("FAKE_TOKEN", "t"));
        String byEnv = region(Map.of("FAKE_TOKEN", "t", "FAKE_REGION", "env-2"));
        String byFlag = region(Map.of("FAKE_TOKEN", "t", "FAKE_REGION", "env-2"), "--region", "flag-3");
        String reasserted = region(Map.of("FAKE_TOKEN", "t", "FAKE_REGION", "env-2"), "--region", "local-1");

        assertThat(byDefault).isEqualTo("local-1");
        assertThat(byEnv).isEqualTo("env-2");
        assertThat(byFlag).isEqualTo("flag-3");
        assertThat(reasserted).isEqualTo("local-1");
    }

    private String region(Map<String, String> env, String... extra) throws IOException {
        String[] args = new String[4 + extra.length];
        args[0] = "--output";
        args[1] = "json";
        args[2] = "push";
        args[3] = "fakecloud";
        System.arraycopy(extra, 0, args, 4, extra.length);
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = image.toString();
        CliRun r = CliRun.run(env, all);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return ResultDocuments.parse(r.stdout()).at("/images/0/location").asText();
    }

    @Test
    void aGuestThatFailsFailsTheCommandButStillReportsTheResult() throws IOException {
        CliRun ok = CliRun.run("--output", "json", "run", "fakecloud", "hello", "--guest-exit", "0");
        CliRun failed = CliRun.run("--output", "json", "run", "fakecloud", "hello", "--guest-exit", "3");

        assertThat(ok.exitCode()).isZero();
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(ResultDocuments.parse(failed.stdout()).get("exit_code").asInt()).isEqualTo(3);
        assertThat(failed.stderr()).contains("the guest exited with status 3");
    }

    @Test
    void jsonOutputLeavesStdoutParseableAndLogsOnStderr() throws IOException {
        CliRun r = CliRun.run(Map.of("FAKE_TOKEN", "t"), "--output", "json", "push", "fakecloud", image.toString(),
                "--tag", "team=core,env=prod", "--public");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        JsonNode doc = ResultDocuments.parse(r.stdout());
        assertThat(doc.get("schema").asText()).isEqualTo("kiln.dev/result/v1");
        assertThat(doc.get("command").asText()).isEqualTo("push");
        assertThat(doc.get("provider").asText()).isEqualTo("fakecloud");
        assertThat(doc.get("outcome").asText()).isEqualTo("created");
        assertThat(doc.get("artifact_id").asText()).startsWith("local-1:img-");
        assertThat(doc.get("content_digest").asText()).startsWith("blocks-sha256:")
                .isEqualTo(ContentDigest.of(image, Format.AWS));
        assertThat(doc.at("/tags/team").asText()).isEqualTo("core");
        assertThat(doc.at("/tags/env").asText()).isEqualTo("prod");
        assertThat(doc.at("/tags/public").asText()).isEqualTo("true");
        assertThat(doc.at("/resources/0/id").asText()).isEqualTo("snap-1");
        assertThat(r.stderr()).contains("[fakecloud] pushing hello.raw");
    }

    @Test
    void resultFileGetsTheSameDocument() throws IOException {
        Path result = tmp.resolve("result.json");
        CliRun r = CliRun.run(Map.of("FAKE_TOKEN", "t"), "--result-file", result.toString(), "push", "fakecloud",
                image.toString());

        assertThat(r.exitCode()).isZero();
        assertThat(ResultDocuments.read(result).get("artifact_id").asText()).startsWith("local-1:img-");
    }

    @Test
    void usageErrorsExitTwoWithASuggestion() {
        CliRun typo = CliRun.run("pussh");
        CliRun badFlag = CliRun.run("push", "fakecloud", "--regoin", "x", image.toString());
        CliRun noProvider = CliRun.run("push", "nocloud", image.toString());

        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.stderr()).contains("push").contains("--help");
        assertThat(badFlag.exitCode()).isEqualTo(2);
        assertThat(badFlag.stderr()).contains("--regoin").contains("--region");
        assertThat(noProvider.exitCode()).isEqualTo(2);
        assertThat(noProvider.stderr()).contains("nocloud").contains("fakecloud");
    }

    @Test
    void anInsecureRegistryWithASchemeOrPathIsAUsageErrorFromTheFlagOrTheEnvironment(@TempDir Path cache) {
        CliRun flag = CliRun.run("cache", "pull", "--cache", cache.toString(), "--insecure-registry", "https://registry.lan",
                "registry.lan/app:1");
        CliRun env = CliRun.run(Map.of("KILN_INSECURE_REGISTRIES", "registry.lan/v2"), "build", "--cache", cache.toString(),
                "--dir", cache.toString(), image.toString());

        assertThat(flag.exitCode()).isEqualTo(2);
        assertThat(flag.stderr()).contains("--insecure-registry 'https://registry.lan' is not HOST or HOST:PORT");
        assertThat(env.exitCode()).isEqualTo(2);
        assertThat(env.stderr()).contains("'registry.lan/v2' is not HOST or HOST:PORT");
    }

    @Test
    void failuresExitOneWithAnOperatorMessageAndNoStackTrace() {
        CliRun r = CliRun.run(Map.of("FAKE_TOKEN", "t"), "push", "fakecloud", image.toString(), "--fail");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("kiln: Tried to register hello but the fake cloud said no; removed snapshot snap-1");
        assertThat(r.stderr()).doesNotContain("\tat ", "Exception");
    }

    @Test
    void stackTracesOnlyOnRequest() {
        CliRun r = CliRun.run(Map.of("FAKE_TOKEN", "t"), "--stacktrace", "push", "fakecloud", image.toString(), "--fail");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("\tat dev.kiln");
    }

    @Test
    void missingCredentialsSayWhereToPutThem() {
        CliRun r = CliRun.run("push", "fakecloud", image.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("FAKE_TOKEN");
    }

    @Test
    void secretsAreNeverPrintedEvenVerbose() {
        CliRun r = CliRun.run(Map.of("FAKE_TOKEN", "hunter2-secret"), "-v", "--output", "json", "push", "fakecloud",
                image.toString());

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stderr()).contains("token=****");
        assertThat(r.stdout() + r.stderr()).doesNotContain("hunter2-secret");
    }

    @Test
    void missingImageFileIsAUsageError() {
        CliRun r = CliRun.run(Map.of("FAKE_TOKEN", "t"), "push", "fakecloud", tmp.resolve("nope.raw").toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("No such image file").contains("kiln build -f");
    }

    @Test
    void listingsHaveTextAndJson() throws IOException {
        JsonNode providers = ResultDocuments.parse(CliRun.run("--output", "json", "providers").stdout());
        JsonNode formats = ResultDocuments.parse(CliRun.run("--output", "json", "formats").stdout());

        JsonNode fake = java.util.stream.StreamSupport.stream(providers.get("providers").spliterator(), false)
                .filter(p -> p.get("name").asText().equals("fakecloud")).findFirst().orElseThrow();
        assertThat(fake.get("accepts").toString()).contains("aws", "raw-efi");
        assertThat(formats.get("formats").size()).isGreaterThan(10);
        assertThat(CliRun.run("formats").stdout()).contains("raw-efi", "NAME-efi.img", "uefi");
        assertThat(CliRun.run("version").stdout()).startsWith("kiln ");
        assertThat(CliRun.run("--version").stdout()).startsWith("kiln ");
    }

    @Test
    void completionScriptsComeFromTheCommandTree() {
        CliRun bash = CliRun.run("completion", "bash");
        CliRun zsh = CliRun.run("completion", "zsh");

        assertThat(bash.exitCode()).isZero();
        assertThat(bash.stdout()).contains("complete -F", "fakecloud", "--result-file");
        assertThat(zsh.stdout()).startsWith("#compdef kiln").contains("bashcompinit");
    }

    @Test
    void plainConsoleShowsProgressAsTimestampedLines() {
        CliRun r = CliRun.run(Map.of("FAKE_TOKEN", "t"), "--console", "plain", "push", "fakecloud", image.toString());

        assertThat(r.stderr()).containsPattern("\\d{4}-\\d\\d-\\d\\dT[0-9:]+Z \\[fakecloud\\] upload: 100 B of 100 B \\(100%\\)");
    }

    @Test
    void quietHidesInfoButKeepsTheResult() {
        CliRun r = CliRun.run(Map.of("FAKE_TOKEN", "t"), "-q", "push", "fakecloud", image.toString());

        assertThat(r.stderr()).doesNotContain("pushing");
        assertThat(r.stdout()).contains("published");
    }
}
