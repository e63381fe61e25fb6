package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.Artifact;
import dev.kiln.api.ImageFormat;
import dev.kiln.aws.AwsStandIn;
import dev.kiln.build.BuildRecord;
import dev.kiln.gcp.GcpStandIn;
import dev.kiln.spi.Providers;
import dev.kiln.testkit.ProviderHarness;
import dev.kiln.testkit.StandInSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code kiln publish} with the installed aws and gcp providers against their stand-ins: two AWS accounts' worth of
 * EC2 (one per region, each its own stand-in) and Google. Targets run in parallel, one fails half-way and is cleaned
 * up while the others publish, a re-run uploads nothing for what exists, and the summary, the JSON, the tfvars and
 * the Packer manifest say the same.
 */
class PublishTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    AwsStandIn eu;
    AwsStandIn us;
    GcpStandIn google;
    Path build;
    Path targets;
    final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Providers.installed().stream().anyMatch(f -> f.name().equals("aws"))
                        && Providers.installed().stream().anyMatch(f -> f.name().equals("gcp")),
                "the aws and gcp providers are staged in target/providers (build them with -am)");
        eu = new AwsStandIn();
        us = new AwsStandIn();
        google = new GcpStandIn();
        build = Files.createDirectories(tmp.resolve("build"));
        Path raw = ProviderHarness.sampleDisk(build, "hello", 16L << 20);
        Path gcp = build.resolve("hello.img.tar.gz");
        CliRun convert = CliRun.run("convert", raw.toString(), gcp.toString(), "-f", "gcp");
        assertThat(convert.exitCode()).as(convert.stderr()).isZero();
        new BuildRecord("hello", "amd64", "sha256:" + "0".repeat(64), List.of(Artifact.single(ImageFormat.AWS, raw),
                Artifact.single(ImageFormat.GCP, gcp))).write(build);
        StandInSetup a = eu.setup(Files.createDirectories(tmp.resolve("aws")));
        StandInSetup b = us.setup(tmp.resolve("aws"));
        StandInSetup g = google.setup(Files.createDirectories(tmp.resolve("gcp")));
        env.putAll(a.env());
        env.putAll(g.env());
        targets = tmp.resolve("targets.yaml");
        Files.writeString(targets, "targets:\n"
                + target("aws", "regions: [eu-west-1]", a) + target("aws", "regions: [us-east-1]", b)
                + target("gcp", null, g));
    }

    private static String target(String provider, String where, StandInSetup setup) {
        StringBuilder yaml = new StringBuilder("  - provider: " + provider + "\n");
        if (where != null) {
            yaml.append("    ").append(where).append('\n');
        }
        yaml.append("    options:\n");
        setup.flags().forEach((k, v) -> yaml.append("      ").append(k).append(": '").append(v.get(0)).append("'\n"));
        return yaml.toString();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {eu, us, google}) {
            if (c != null) {
                c.close();
            }
        }
    }

    CliRun publish(String... more) {
        List<String> args = new ArrayList<>(List.of("--console", "plain", "publish", targets.toString(), build.toString()));
        args.addAll(List.of(more));
        return CliRun.run(env, args.toArray(String[]::new));
    }

    @Test
    void publishesInParallelReportsAFailureCleanedUpAndARerunRetriesOnlyIt() throws Exception {
        // given: each cloud holds its first change until all three targets have made one, so they run at once
        CountDownLatch together = new CountDownLatch(3);
        AtomicInteger metOthers = new AtomicInteger();
        for (var cloud : List.of(eu, us, google)) {
            cloud.onMutation(1, () -> {
                together.countDown();
                try {
                    if (together.await(60, TimeUnit.SECONDS)) {
                        metOthers.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        us.failMutation(3);
        Path result = tmp.resolve("first.json");
        Path tfvars = tmp.resolve("kiln.auto.tfvars.json");
        Path manifest = tmp.resolve("packer-manifest.json");

        // when
        CliRun first = publish("--result-file", result.toString(), "--tfvars", tfvars.toString(),
                "--packer-manifest", manifest.toString());

        // then: all three ran at once; us-east-1 failed, left nothing, and the command says so after the others
        assertThat(metOthers).as(first.stderr()).hasValue(3);
        assertThat(first.exitCode()).as(first.stderr()).isEqualTo(1);
        JsonNode doc = JSON.readTree(result.toFile());
        assertThat(doc.path("command").asText()).isEqualTo("publish");
        assertThat(doc.path("outcome").asText()).isEqualTo("partial");
        assertThat(outcomes(doc)).as(first.stdout()).containsExactly("aws/eu-west-1=created", "aws/us-east-1=failed",
                "gcp=created");
        assertThat(doc.path("targets").path(1).path("error").path("message").asText()).isNotEmpty();
        assertThat(us.resources()).as("what the failed push made is gone").isEmpty();
        assertThat(eu.images("hello")).hasSize(1);
        assertThat(google.images("hello")).hasSize(1);
        assertThat(doc.path("summary").path("created").asInt()).isEqualTo(2);
        assertThat(doc.path("summary").path("failed").asInt()).isEqualTo(1);
        // the table says what the document says, row by row
        for (JsonNode t : doc.path("targets")) {
            String id = t.path("artifact_id").asText("-");
            assertThat(first.stdout()).containsPattern("(?m)^" + java.util.regex.Pattern.quote(t.path("target").asText())
                    + "\\s+" + t.path("outcome").asText() + "\\s+" + java.util.regex.Pattern.quote(id.isEmpty() ? "-" : id));
        }
        assertThat(first.stdout()).contains("aws/us-east-1: ").contains("2 created, 1 failed");
        // plain lines name their target
        assertThat(first.stderr()).contains("aws/eu-west-1").contains("aws/us-east-1").contains("gcp");
        JsonNode vars = JSON.readTree(tfvars.toFile());
        String euImage = eu.images("hello").keySet().iterator().next();
        assertThat(vars.path("kiln_image_aws_eu_west_1").asText()).isEqualTo(euImage);
        assertThat(vars.has("kiln_image_aws_us_east_1")).as("a failed target has no variable").isFalse();
        assertThat(vars.path("kiln_images").path("gcp").asText()).endsWith("/images/hello");

        // when: the pipeline is simply run again
        List<String> euBefore = List.copyOf(eu.mutations());
        List<String> googleBefore = List.copyOf(google.mutations());
        Path again = tmp.resolve("again.json");
        CliRun second = publish("--output", "json", "--result-file", again.toString(), "--tfvars", tfvars.toString(),
                "--packer-manifest", manifest.toString());

        // then: what exists is found by digest and nothing is uploaded to it; only us-east-1 is published
        assertThat(second.exitCode()).as(second.stderr()).isZero();
        JsonNode redo = JSON.readTree(second.stdout());
        assertThat(outcomes(redo)).containsExactly("aws/eu-west-1=existed", "aws/us-east-1=created", "gcp=existed");
        assertThat(redo.path("outcome").asText()).isEqualTo("created");
        assertThat(eu.mutations()).isEqualTo(euBefore);
        assertThat(google.mutations()).isEqualTo(googleBefore);
        assertThat(us.images("hello")).hasSize(1);
        assertThat(JSON.readTree(again.toFile())).isEqualTo(redo);
        assertThat(JSON.readTree(tfvars.toFile()).path("kiln_image_aws_us_east_1").asText())
                .isEqualTo(us.images("hello").keySet().iterator().next());
        JsonNode packer = JSON.readTree(manifest.toFile());
        assertThat(packer.path("builds")).as("appended: 2 builds from the first run, 3 from the second").hasSize(5);
        assertThat(packer.path("builds").path(4).path("packer_run_uuid").asText())
                .isEqualTo(packer.path("last_run_uuid").asText())
                .isNotEqualTo(packer.path("builds").path(0).path("packer_run_uuid").asText());
        assertThat(packer.path("builds").path(2).path("builder_type").asText()).isEqualTo("kiln-aws");
        assertThat(packer.path("builds").path(2).path("artifact_id").asText()).startsWith("eu-west-1:ami-");
    }

    @Test
    void ctrlCStopsEveryTargetAndEachCleansUpWhatItMade() throws Exception {
        // given: Ctrl-C comes when all three targets are half-way, each holding its first change
        Interrupts interrupts = new Interrupts(Thread.currentThread());
        CountDownLatch arrived = new CountDownLatch(3);
        for (var cloud : List.of(eu, us, google)) {
            cloud.onMutation(1, () -> {
                arrived.countDown();
                if (arrived.getCount() == 0) {
                    interrupts.onSignal(new java.io.PrintStream(new java.io.ByteArrayOutputStream()), code -> { });
                }
                try {
                    arrived.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        Path result = tmp.resolve("interrupted.json");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        Map<String, String> all = new HashMap<>(env);
        all.put("TERM", "dumb");

        // when
        int code = Kiln.execute(new String[] {"--result-file", result.toString(), "publish", targets.toString(),
                build.toString()}, Session.of(out, err, all, interrupts));
        Thread.interrupted();

        // then: 130, every target interrupted, and nothing of any left behind
        assertThat(code).as(err.toString()).isEqualTo(Kiln.INTERRUPTED);
        JsonNode doc = ResultDocuments.read(result);
        assertThat(outcomes(doc)).containsExactly("aws/eu-west-1=failed", "aws/us-east-1=failed", "gcp=failed");
        assertThat(doc.path("targets").findValuesAsText("kind")).containsOnly("interrupted");
        assertThat(eu.resources()).as(err.toString()).isEmpty();
        assertThat(us.resources()).as(err.toString()).isEmpty();
        // a resumable upload session whose start was in flight at Ctrl-C may stay open: it holds no data, costs
        // nothing and Cloud Storage ends it after a week; no object and no image may stay
        assertThat(google.resources()).as(err.toString()).allMatch(r -> r.startsWith("upload session "));
    }

    @Test
    void aDryRunChecksEveryTargetAndChangesNothing() throws Exception {
        CliRun plan = publish("--dry-run", "--output", "json");

        assertThat(plan.exitCode()).as(plan.stderr()).isZero();
        JsonNode doc = JSON.readTree(plan.stdout());
        assertThat(outcomes(doc)).containsExactly("aws/eu-west-1=dry_run", "aws/us-east-1=dry_run", "gcp=dry_run");
        assertThat(eu.mutations()).isEmpty();
        assertThat(us.mutations()).isEmpty();
        assertThat(google.mutations()).isEmpty();
    }

    private static List<String> outcomes(JsonNode doc) {
        List<String> outcomes = new ArrayList<>();
        doc.path("targets").forEach(t -> outcomes.add(t.path("target").asText() + "=" + t.path("outcome").asText()));
        return outcomes;
    }
}
