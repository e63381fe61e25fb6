package dev.kiln.cli;

import dev.kiln.spi.OptionSpec;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.Providers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The CI recipes in examples/ci run commands the real CLI takes: every {@code kiln} command line they hold, with
 * each matrix value or job index put in, parses against the installed command tree (as it would with --dry-run),
 * its --only picks a target of examples/ci/targets.yaml, every target has a job, and the targets file's options are
 * flags of the providers it names.
 */
class CiExamplesTest {

    private static final Path CI = Path.of("..", "examples", "ci");
    private static final Pattern GITHUB_EXPR = Pattern.compile("\\$\\{\\{\\s*([^}]+?)\\s*}}");

    static List<ProviderFactory> installed;
    static List<String> targets;

    @BeforeAll
    static void targetsOfTheExample() throws IOException {
        installed = Providers.installed();
        assumeTrue(List.of("aws", "gcp", "azure").stream().allMatch(p -> installed.stream()
                .anyMatch(f -> f.name().equals(p))), "the aws, gcp and azure providers are staged in target/providers");
        targets = new ArrayList<>();
        for (PublishTargets.Target t : PublishTargets.read(CI.resolve("targets.yaml"))) {
            ProviderFactory factory = installed.stream().filter(f -> f.name().equals(t.provider())).findFirst().orElseThrow();
            List<String> flags = factory.pushOptions().stream().map(OptionSpec::name).toList();
            assertThat(flags).as("options of " + t.provider() + " in targets.yaml").containsAll(t.options().keySet());
            if (t.locations().isEmpty()) {
                targets.add(t.provider());
            } else {
                assertThat(factory.locationOption()).as(t.provider() + " takes a region or location").isPresent();
                t.locations().forEach(l -> targets.add(t.provider() + "/" + l));
            }
        }
    }

    @Test
    void githubActionsCommandsParseForEveryMatrixEntryAndCoverEveryTarget() throws IOException {
        Map<String, Object> workflow = load("github-actions.yml").get(0);
        List<String> matrix = strings(path(workflow, "jobs", "publish", "strategy", "matrix", "target"));
        assertThat(matrix).containsExactlyInAnyOrderElementsOf(targets);
        List<String> lines = new ArrayList<>();
        for (Object job : ((Map<?, ?>) workflow.get("jobs")).values()) {
            for (Object step : (List<?>) ((Map<?, ?>) job).get("steps")) {
                if (step instanceof Map<?, ?> s && s.get("run") instanceof String run) {
                    lines.addAll(ShellLines.kilnCommands(run));
                }
            }
        }
        assertThat(lines).hasSize(3);
        for (String target : matrix) {
            for (String line : lines) {
                Matcher m = GITHUB_EXPR.matcher(line);
                StringBuilder filled = new StringBuilder();
                while (m.find()) {
                    m.appendReplacement(filled, m.group(1).equals("matrix.target") ? target : "0");
                }
                checkParses(m.appendTail(filled).toString(), target);
            }
        }
    }

    @Test
    void gitlabCommandsParseForEveryMatrixEntryAndCoverEveryTarget() throws IOException {
        Map<String, Object> pipeline = load("gitlab-ci.yml").get(0);
        Map<?, ?> matrixEntry = (Map<?, ?>) ((List<?>) path(pipeline, "publish-image", "parallel", "matrix")).get(0);
        List<String> matrix = strings(matrixEntry.get("TARGET"));
        assertThat(matrix).containsExactlyInAnyOrderElementsOf(targets);
        List<String> lines = new ArrayList<>();
        for (Object job : pipeline.values()) {
            if (job instanceof Map<?, ?> j && j.get("script") instanceof List<?> script) {
                script.forEach(s -> lines.addAll(ShellLines.kilnCommands((String) s)));
            }
        }
        assertThat(lines).hasSize(3);
        for (String target : matrix) {
            for (String line : lines) {
                checkParses(line.replace("$TARGET", target).replace("$CI_NODE_INDEX", "1"), target);
            }
        }
    }

    @Test
    void theKubernetesJobHasOneIndexPerTargetAndTheSameTargetsFile() throws IOException {
        List<Map<String, Object>> docs = load("kubernetes-job.yaml");
        Map<String, Object> configMap = docs.get(0);
        Map<String, Object> job = docs.get(1);
        assertThat(path(configMap, "data", "targets.yaml")).isEqualTo(Files.readString(CI.resolve("targets.yaml")));
        assertThat(path(job, "spec", "completionMode")).isEqualTo("Indexed");
        assertThat(path(job, "spec", "completions")).isEqualTo(targets.size());
        Map<?, ?> container = (Map<?, ?>) ((List<?>) path(job, "spec", "template", "spec", "containers")).get(0);
        List<String> command = strings(container.get("command"));
        assertThat(command.get(0)).isEqualTo("kiln");
        for (int index : IntStream.range(0, targets.size()).toArray()) {
            List<String> args = command.subList(1, command.size()).stream()
                    .map(a -> a.replace("$(JOB_COMPLETION_INDEX)", String.valueOf(index))).toList();
            checkParses(args, targets.get(index));
        }
    }

    @Test
    void theCheckRefusesACommandTheCliDoesNotTake() {
        assertThatCode(() -> checkParses("kiln publish targets.yaml build --only gcp --no-such-flag", "gcp"))
                .isInstanceOf(AssertionError.class);
        assertThatCode(() -> checkParses("kiln publish targets.yaml build --only azure/eastus", "azure/eastus"))
                .isInstanceOf(AssertionError.class);
    }

    private static void checkParses(String line, String target) {
        List<String> words = ShellLines.words(line);
        assertThat(words.get(0)).isEqualTo("kiln");
        checkParses(words.subList(1, words.size()), target);
    }

    /** Parses as the CLI would (nothing runs); a publish's --only must name {@code target} of targets.yaml. */
    private static void checkParses(List<String> args, String target) {
        Session quiet = Session.of(new ByteArrayOutputStream(), new ByteArrayOutputStream(), Map.of(), Interrupts.none());
        CommandLine cli = Kiln.commandLine(quiet, installed);
        assertThatCode(() -> cli.parseArgs(args.toArray(String[]::new))).as(String.join(" ", args))
                .doesNotThrowAnyException();
        int only = args.indexOf("--only");
        if (args.get(0).equals("publish") && only >= 0) {
            String picked = args.get(only + 1);
            assertThat(picked.matches("\\d+") ? targets.get(Integer.parseInt(picked)) : picked).as(String.join(" ", args))
                    .isEqualTo(target).isIn(targets);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> load(String file) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        new Load(LoadSettings.builder().build()).loadAllFromString(Files.readString(CI.resolve(file)))
                .forEach(d -> docs.add((Map<String, Object>) d));
        return docs;
    }

    private static Object path(Map<String, Object> doc, String... keys) {
        Object at = doc;
        for (String key : keys) {
            assertThat(at).as(String.join(".", keys)).isInstanceOf(Map.class);
            at = ((Map<?, ?>) at).get(key);
        }
        return at;
    }

    private static List<String> strings(Object list) {
        assertThat(list).isInstanceOf(List.class);
        return ((List<?>) list).stream().map(String::valueOf).toList();
    }
}
