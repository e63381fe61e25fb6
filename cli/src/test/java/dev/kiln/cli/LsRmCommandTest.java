package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.cli.fake.FakeCloudProviderFactory;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.Providers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code kiln ls} and {@code kiln rm} as a user runs them: over the test-only fake cloud, whose inventory is a file
 * the test writes and reads back, and over the installed qemu provider with a real state folder.
 */
class LsRmCommandTest {

    private static final String DIGEST = "0123456789ab";

    @TempDir
    Path tmp;

    private Path inventory;
    private Map<String, String> env;

    @BeforeEach
    void cloud() throws IOException {
        inventory = Files.write(tmp.resolve("inventory"), List.of(
                "image img-1 web kiln snapshot:snap-1",
                "image img-2 web kiln snapshot:snap-2",
                "image img-3 db kiln snapshot:snap-3",
                "instance i-1 box kiln disk:vol-1,address:ip-1",
                "image ami-theirs - other",
                "image fail-1 broken kiln snapshot:snap-9"));
        env = Map.of("FAKE_INVENTORY", inventory.toString(), "FAKE_REGION", "eu-1");
    }

    @AfterEach
    void noHook() {
        FakeCloudProviderFactory.removing = id -> { };
    }

    private List<String> left() throws IOException {
        return Files.readAllLines(inventory).stream().map(l -> l.split(" ")[1]).toList();
    }

    @Test
    void lsListsWhatKilnMadeAsATableWithNameIdLocationDigestAndAge() {
        CliRun ls = CliRun.run(env, "ls", "fakecloud");

        assertThat(ls.exitCode()).as(ls.stderr()).isZero();
        List<String> lines = ls.stdout().lines().toList();
        assertThat(lines.get(0)).startsWith("KIND").contains("NAME", "ID", "LOCATION", "DIGEST", "AGE", "STATE");
        assertThat(lines.get(1)).matches("image +web +img-1 +eu-1 +" + DIGEST + " +\\d+d +-");
        assertThat(lines).anyMatch(l -> l.matches("instance +box +i-1 +eu-1 +- +\\d+d +running"));
        assertThat(ls.stdout()).as("what kiln did not make").doesNotContain("ami-theirs");
        assertThat(lines).hasSize(6);
    }

    @Test
    void lsOfOneKindWithOutputJsonIsOneDocument() throws Exception {
        CliRun ls = CliRun.run(env, "--output", "json", "ls", "fakecloud", "instances");

        assertThat(ls.exitCode()).as(ls.stderr()).isZero();
        JsonNode doc = ResultDocuments.parse(ls.stdout());
        assertThat(doc.path("command").asText()).isEqualTo("ls");
        assertThat(doc.path("provider").asText()).isEqualTo("fakecloud");
        assertThat(doc.path("kinds").toString()).isEqualTo("[\"instances\"]");
        assertThat(doc.path("items")).hasSize(1);
        JsonNode box = doc.path("items").get(0);
        assertThat(box.path("id").asText()).isEqualTo("i-1");
        assertThat(box.path("name").asText()).isEqualTo("box");
        assertThat(box.path("created").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(box.path("parts").findValuesAsText("id")).containsExactly("vol-1", "ip-1");
    }

    @Test
    void lsOfSomethingElseThanImagesOrInstancesIsAUsageError() {
        CliRun ls = CliRun.run(env, "ls", "fakecloud", "snapshots");

        assertThat(ls.exitCode()).isEqualTo(Kiln.USAGE);
        assertThat(ls.stderr()).contains("images or instances, not 'snapshots'");
    }

    @Test
    void rmDryRunPrintsThePlanWithAllBehindItAndRemovesNothing() throws Exception {
        CliRun rm = CliRun.run(env, "rm", "fakecloud", "db", "i-1", "--dry-run");

        assertThat(rm.exitCode()).as(rm.stderr()).isZero();
        assertThat(rm.stdout()).isEqualTo(String.join(System.lineSeparator(),
                "would remove image img-3 (db) in eu-1", "  and snapshot snap-3 in eu-1",
                "would remove instance i-1 (box) in eu-1", "  and disk vol-1 in eu-1", "  and address ip-1 in eu-1", ""));
        assertThat(left()).containsExactly("img-1", "img-2", "img-3", "i-1", "ami-theirs", "fail-1");
    }

    @Test
    void rmRemovesEachWithAllBehindItAndSaysSoInJson() throws Exception {
        CliRun rm = CliRun.run(env, "--output", "json", "rm", "fakecloud", "db", "i-1");

        assertThat(rm.exitCode()).as(rm.stderr()).isZero();
        JsonNode doc = ResultDocuments.parse(rm.stdout());
        assertThat(doc.path("outcome").asText()).isEqualTo("removed");
        assertThat(doc.path("removed").findValuesAsText("id")).containsExactly("img-3", "snap-3", "i-1", "vol-1", "ip-1");
        assertThat(doc.path("left")).isEmpty();
        assertThat(doc.path("items").findValuesAsText("outcome")).containsExactly("removed", "removed");
        assertThat(left()).containsExactly("img-1", "img-2", "ami-theirs", "fail-1");

        CliRun again = CliRun.run(env, "rm", "fakecloud", "db");
        assertThat(again.exitCode()).as("rm of what is gone").isEqualTo(Kiln.FAILURE);
        assertThat(again.stderr()).contains("found no image or instance with that id or name", "kiln ls fakecloud");
    }

    @Test
    void aNameNamingSeveralIsExit2UnlessAll() throws Exception {
        CliRun ambiguous = CliRun.run(env, "rm", "fakecloud", "web");

        assertThat(ambiguous.exitCode()).isEqualTo(Kiln.USAGE);
        assertThat(ambiguous.stderr()).contains("'web' names 2 things on fakecloud: image img-1 (web) in eu-1, "
                + "image img-2 (web) in eu-1; give an id, or --all");
        assertThat(left()).contains("img-1", "img-2");

        CliRun all = CliRun.run(env, "rm", "fakecloud", "web", "--all");

        assertThat(all.exitCode()).as(all.stderr()).isZero();
        assertThat(all.stdout()).contains("removed image img-1 (web) in eu-1: image img-1 in eu-1, snapshot snap-1 in eu-1")
                .contains("removed image img-2 (web)");
        assertThat(left()).doesNotContain("img-1", "img-2");
    }

    @Test
    void whatKilnDidNotMakeIsRefusedWithExit2UnlessForce() throws Exception {
        CliRun refused = CliRun.run(env, "rm", "fakecloud", "img-3", "ami-theirs");

        assertThat(refused.exitCode()).isEqualTo(Kiln.USAGE);
        assertThat(refused.stderr()).contains("image ami-theirs in eu-1 carries none of kiln's tags", "--force",
                "nothing was removed");
        assertThat(left()).contains("img-3", "ami-theirs");

        CliRun forced = CliRun.run(env, "rm", "fakecloud", "ami-theirs", "--force");

        assertThat(forced.exitCode()).as(forced.stderr()).isZero();
        assertThat(left()).doesNotContain("ami-theirs").contains("img-3");
    }

    @Test
    void aPartialFailureIsExit1ReportingWhatWasRemovedAndWhatIsLeft() throws Exception {
        Path result = tmp.resolve("rm.json");
        CliRun rm = CliRun.run(env, "--result-file", result.toString(), "rm", "fakecloud", "fail-1", "db");

        assertThat(rm.exitCode()).isEqualTo(Kiln.FAILURE);
        assertThat(rm.stdout()).contains("left image fail-1 (broken) in eu-1", "removed image img-3 (db) in eu-1");
        assertThat(rm.stderr()).contains("left image fail-1 (broken) in eu-1 (Tried to remove image fail-1 (broken) "
                + "in eu-1 but the fake cloud said no");
        JsonNode doc = ResultDocuments.read(result);
        assertThat(doc.path("outcome").asText()).isEqualTo("partial");
        assertThat(doc.path("removed").findValuesAsText("id")).containsExactly("img-3", "snap-3");
        assertThat(doc.path("left").findValuesAsText("id")).containsExactly("fail-1", "snap-9");
        assertThat(left()).contains("fail-1").doesNotContain("img-3");
    }

    @Test
    void ctrlCStopsBeforeTheNextItemWithExit130SayingWhatIsLeft() throws Exception {
        // given: Ctrl-C comes while the second of three is being removed
        Interrupts interrupts = new Interrupts(Thread.currentThread());
        FakeCloudProviderFactory.removing = id -> {
            if (id.equals("img-1")) {
                interrupts.onSignal(new PrintStream(new ByteArrayOutputStream()), code -> { });
            }
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> all = new HashMap<>(env);
        all.put("TERM", "dumb");
        Path result = tmp.resolve("rm.json");

        // when
        int code = Kiln.execute(new String[] {"--result-file", result.toString(), "rm", "fakecloud", "db", "img-1",
                "i-1"}, Session.of(out, err, all, interrupts));
        Thread.interrupted();

        // then
        assertThat(code).as(err.toString()).isEqualTo(Kiln.INTERRUPTED);
        assertThat(err.toString()).contains("kiln: interrupted. left image img-1 (web) in eu-1",
                "instance i-1 (box) in eu-1 (interrupted before it was removed)");
        JsonNode doc = ResultDocuments.read(result);
        assertThat(doc.path("outcome").asText()).isEqualTo("interrupted");
        assertThat(doc.path("removed").findValuesAsText("id")).containsExactly("img-3", "snap-3");
        assertThat(doc.path("left").findValuesAsText("id")).containsExactly("img-1", "snap-1", "i-1", "vol-1", "ip-1");
        assertThat(left()).contains("img-1", "i-1").doesNotContain("img-3");
    }

    @Test
    void aProviderThatCannotListIsAUsageErrorNamingThoseThatCan() {
        List<ProviderFactory> installed = Providers.installed();
        ProviderFactory cannot = installed.stream().filter(f -> !f.canList()).findFirst().orElse(null);
        assumeTrue(cannot != null, "every installed provider can list");

        CliRun ls = CliRun.run(env, "ls", cannot.name());

        assertThat(ls.exitCode()).isEqualTo(Kiln.USAGE);
        assertThat(ls.stderr()).contains(cannot.name() + " cannot list or remove what kiln made yet; kiln ls and kiln "
                + "rm work on").contains("fakecloud");
    }

    @Test
    void qemuListsAndRemovesAKeptStateFolder() throws Exception {
        assumeTrue(Providers.installed().stream().anyMatch(f -> f.name().equals("qemu")), "qemu is staged");
        Path vms = Files.createDirectories(tmp.resolve("vms"));
        Path state = Files.createDirectories(vms.resolve("hello-state"));
        Files.writeString(state.resolve("disk.img"), "disk");
        Files.writeString(state.resolve("console.log"), "booted");
        Files.writeString(state.resolve("kiln-run.properties"), "name=hello\nimage=hello.raw\n"
                + "started=2026-01-02T03:04:05Z\nfile.0=disk.img\nkiln.version=test\n");

        CliRun ls = CliRun.run(Map.of("KILN_QEMU_DIRS", vms.toString()), "--output", "json", "ls", "qemu");
        assertThat(ls.exitCode()).as(ls.stderr()).isZero();
        JsonNode item = ResultDocuments.parse(ls.stdout()).path("items").get(0);
        assertThat(item.path("id").asText()).isEqualTo(state.toString());
        assertThat(item.path("name").asText()).isEqualTo("hello");
        assertThat(item.path("state").asText()).isEqualTo("stopped");

        CliRun rm = CliRun.run("rm", "qemu", "hello", "--dir", vms.toString());

        assertThat(rm.exitCode()).as(rm.stderr()).isZero();
        assertThat(rm.stdout()).startsWith("removed instance " + state + " (hello): file " + state.resolve("disk.img"));
        assertThat(state).doesNotExist();
    }
}
