package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kiln publish} and {@code kiln results merge} on the test-only fake cloud: the targets file's errors, what
 * runs and what does not, and how separate results merge. The aws and gcp providers are in {@link PublishTest}.
 */
class PublishCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> TOKEN = Map.of("FAKE_TOKEN", "t0ken");

    @TempDir
    Path tmp;
    Path image;

    @BeforeEach
    void anImage() throws IOException {
        image = tmp.resolve("hello.raw");
        Files.write(image, new byte[] {1, 2, 3, 4});
    }

    CliRun publish(String targets, String... more) throws IOException {
        Path file = tmp.resolve("targets.yaml");
        Files.writeString(file, targets);
        List<String> args = new ArrayList<>(List.of("publish", file.toString(), image.toString()));
        args.addAll(List.of(more));
        return CliRun.run(TOKEN, args.toArray(String[]::new));
    }

    @Test
    void publishesEachRegionOfATargetAsItsOwnTarget() throws Exception {
        CliRun r = publish("targets:\n  - provider: fakecloud\n    regions: [north-1, south-2]\n", "--output", "json");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        JsonNode doc = JSON.readTree(r.stdout());
        assertThat(doc.path("command").asText()).isEqualTo("publish");
        assertThat(doc.path("name").asText()).isEqualTo("hello");
        assertThat(doc.path("targets").findValuesAsText("target")).containsExactly("fakecloud/north-1", "fakecloud/south-2");
        assertThat(doc.path("targets").path(1).path("images").path(0).path("location").asText()).isEqualTo("south-2");
        assertThat(doc.path("summary").path("created").asInt()).isEqualTo(2);
    }

    @Test
    void onlyPublishesTheTargetsNamedOrNumberedAsAMatrixJobPicksThem() throws Exception {
        String targets = "targets:\n  - provider: fakecloud\n    regions: [north-1, south-2, east-3]\n";

        CliRun byIndex = publish(targets, "--only", "1", "--output", "json");
        CliRun byName = publish(targets, "--only", "fakecloud/east-3,0", "--output", "json");
        CliRun beyond = publish(targets, "--only", "3");

        assertThat(JSON.readTree(byIndex.stdout()).path("targets").findValuesAsText("target"))
                .containsExactly("fakecloud/south-2");
        assertThat(JSON.readTree(byName.stdout()).path("targets").findValuesAsText("target"))
                .containsExactly("fakecloud/north-1", "fakecloud/east-3");
        assertThat(beyond.exitCode()).isEqualTo(Kiln.USAGE);
        assertThat(beyond.stderr()).contains("--only 3 names no target").contains("fakecloud/east-3");
    }

    @Test
    void mistakesInTheTargetsFileAreUsageErrorsWithTheirLineAndNothingRuns() throws Exception {
        CliRun badYaml = publish("targets:\n  - provider: fakecloud\n    regions: [a, b\n");
        CliRun unknownKey = publish("targets:\n  - provider: fakecloud\n    region: a\n");
        CliRun unknownProvider = publish("targets:\n  - provider: fakecloud\n  - provider: nimbus\n");
        CliRun unknownOption = publish("targets:\n  - provider: fakecloud\n    options: {regoin: a}\n");
        CliRun sharedFlag = publish("targets:\n  - provider: fakecloud\n    options: {if-exists: replace}\n");
        CliRun noTargets = publish("targets: []\n");
        CliRun twice = publish("targets:\n  - provider: fakecloud\n    regions: [a]\n  - provider: fakecloud\n    regions: [a]\n");

        for (CliRun r : List.of(badYaml, unknownKey, unknownProvider, unknownOption, sharedFlag, noTargets, twice)) {
            assertThat(r.exitCode()).as(r.stderr()).isEqualTo(Kiln.USAGE);
            assertThat(r.stderr()).doesNotContain("published").doesNotContain("Exception");
        }
        assertThat(badYaml.stderr()).contains("targets.yaml:");
        assertThat(unknownKey.stderr()).contains("targets.yaml:3:").contains("unknown key 'region'").contains("regions");
        assertThat(unknownProvider.stderr()).contains("targets.yaml:3:").contains("'nimbus'").contains("installed: ")
                .contains("fakecloud");
        assertThat(unknownOption.stderr()).contains("no push option 'regoin'").contains("region, token");
        assertThat(sharedFlag.stderr()).contains("pass --if-exists on the command line");
        assertThat(twice.stderr()).contains("fakecloud/a is listed twice");
    }

    @Test
    void aFailedTargetIsReportedAfterTheOthersRanAndTheCommandFails() throws Exception {
        CliRun r = publish("targets:\n  - provider: fakecloud\n    regions: [a]\n    options: {fail: true}\n"
                + "  - provider: fakecloud\n    regions: [b]\n", "--parallel", "1");

        assertThat(r.exitCode()).isEqualTo(Kiln.FAILURE);
        assertThat(r.stdout()).containsPattern("(?m)^fakecloud/a\\s+failed\\s+-")
                .containsPattern("(?m)^fakecloud/b\\s+created\\s+b:img-")
                .contains("fakecloud/a: Tried to register hello but the fake cloud said no")
                .contains("1 created, 1 failed");
    }

    @Test
    void failFastLeavesTheTargetsNotStartedAndSaysWhy() throws Exception {
        Path result = tmp.resolve("r.json");
        CliRun r = publish("targets:\n  - provider: fakecloud\n    regions: [a]\n    options: {fail: true}\n"
                + "  - provider: fakecloud\n    regions: [b, c]\n", "--parallel", "1", "--fail-fast",
                "--result-file", result.toString());

        assertThat(r.exitCode()).isEqualTo(Kiln.FAILURE);
        JsonNode doc = JSON.readTree(result.toFile());
        assertThat(doc.path("outcome").asText()).isEqualTo("failed");
        assertThat(doc.path("targets").findValuesAsText("outcome")).containsExactly("failed", "failed", "failed");
        assertThat(doc.path("targets").path(1).path("error").path("message").asText())
                .isEqualTo("not started: --fail-fast stopped the publish when fakecloud/a failed");
        assertThat(doc.path("targets").path(1).path("error").path("kind").asText()).isEqualTo("interrupted");
    }

    @Test
    void aDryRunWritesNoTerraformFile() throws Exception {
        Path tfvars = tmp.resolve("kiln.auto.tfvars.json");
        CliRun r = publish("targets:\n  - provider: fakecloud\n", "--dry-run", "--tfvars", tfvars.toString());

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).containsPattern("(?m)^fakecloud\\s+dry_run\\s+-");
        assertThat(r.stderr()).contains("a dry run publishes nothing");
        assertThat(tfvars).doesNotExist();
    }

    @Test
    void mergeCombinesPushAndPublishResultsAndKeepsFailures() throws Exception {
        Path a = tmp.resolve("a.json");
        Path b = tmp.resolve("b.json");
        Path c = tmp.resolve("c.json");
        assertThat(CliRun.run(TOKEN, "--result-file", a.toString(), "push", "fakecloud", image.toString(),
                "--region", "west-1").exitCode()).isZero();
        assertThat(CliRun.run(TOKEN, "--result-file", b.toString(), "push", "fakecloud", image.toString(),
                "--region", "east-2", "--fail").exitCode()).isEqualTo(Kiln.FAILURE);
        assertThat(publish("targets:\n  - provider: fakecloud\n    regions: [west-1, north-3]\n",
                "--result-file", c.toString()).exitCode()).isZero();
        Path tfvars = tmp.resolve("all.auto.tfvars.json");

        CliRun merged = CliRun.run("--output", "json", "results", "merge", a.toString(), b.toString(), c.toString(),
                "--tfvars", tfvars.toString());

        assertThat(merged.exitCode()).as(merged.stderr()).isZero();
        JsonNode doc = JSON.readTree(merged.stdout());
        assertThat(doc.path("command").asText()).isEqualTo("merge");
        assertThat(doc.path("targets").findValuesAsText("target"))
                .containsExactly("fakecloud (b.json)", "fakecloud/west-1", "fakecloud/north-3");
        assertThat(merged.stderr()).contains("fakecloud/west-1 is in several files; keeping the one in " + c);
        assertThat(doc.path("outcome").asText()).isEqualTo("partial");
        assertThat(doc.path("targets").path(0).path("error").path("message").asText()).contains("the fake cloud said no");
        assertThat(doc.path("merged_from")).hasSize(3);
        JsonNode vars = JSON.readTree(tfvars.toFile());
        assertThat(vars.path("kiln_image_fakecloud_west_1").asText()).startsWith("img-");
        assertThat(vars.path("kiln_images").path("fakecloud/north-3").asText()).startsWith("img-");
        assertThat(vars.size()).as("two variables and the map; the failure has none").isEqualTo(3);
    }

    @Test
    void mergeRefusesWhatIsNotAPushOrPublishResult() throws Exception {
        Path notJson = Files.writeString(tmp.resolve("x.json"), "hello");
        Path other = Files.writeString(tmp.resolve("o.json"), "{\"schema\":\"something/else\"}");
        Path build = Files.writeString(tmp.resolve("b.json"), "{\"schema\":\"kiln.dev/result/v1\",\"command\":\"build\"}");
        Path broken = Files.writeString(tmp.resolve("p.json"), "{\"schema\":\"kiln.dev/result/v1\",\"command\":\"push\","
                + "\"provider\":\"aws\",\"outcome\":\"published\"}");

        CliRun brokenRun = CliRun.run("results", "merge", broken.toString());
        assertThat(brokenRun.stderr()).contains("does not match the result schema").contains("$.outcome");
        for (Path p : List.of(notJson, other, build, broken)) {
            CliRun r = CliRun.run("results", "merge", p.toString());
            assertThat(r.exitCode()).as(r.stderr()).isEqualTo(Kiln.USAGE);
            assertThat(r.stderr()).contains(p.toString());
        }
    }
}
