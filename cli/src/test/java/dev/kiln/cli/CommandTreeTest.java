package dev.kiln.cli;

import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.Providers;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

class CommandTreeTest {

    private static final Session QUIET = Session.of(OutputStream.nullOutputStream(), OutputStream.nullOutputStream(),
            Map.of(), Interrupts.none());

    @Test
    void everyCommandInTheTreeAnswersHelp() {
        List<List<String>> paths = new ArrayList<>();
        collect(Kiln.commandLine(QUIET, Providers.installed()), new ArrayList<>(), paths);

        assertThat(paths).hasSizeGreaterThan(20);
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            CliRun help = CliRun.run(args.toArray(String[]::new));
            assertThat(help.exitCode()).as("kiln %s --help: %s", String.join(" ", path), help.stderr()).isZero();
            assertThat(help.stdout()).contains("Usage: kiln " + String.join(" ", path));
        }
    }

    @Test
    void aNamedCommandIsModelledAloneAndNeverLooksUpProviders() {
        CommandLine cli = Kiln.commandLine(QUIET, refused(), new String[] {"-q", "--output", "json", "convert", "a", "b"});

        assertThat(cli.getSubcommands().keySet()).containsExactly("convert");
    }

    @Test
    void pushAndRunModelOnlyTheNamedProvider() {
        List<ProviderFactory> installed = Providers.installed();
        CommandLine push = Kiln.commandLine(QUIET, () -> installed, new String[] {"--result-file", "r.json", "push", "fakecloud", "x"});
        CommandLine run = Kiln.commandLine(QUIET, () -> installed, new String[] {"run", "--help"});

        assertThat(push.getSubcommands().keySet()).containsExactly("push");
        assertThat(push.getSubcommands().get("push").getSubcommands().keySet()).containsExactly("fakecloud");
        assertThat(run.getSubcommands().get("run").getSubcommands()).hasSizeGreaterThan(1);
    }

    @Test
    void argumentsThatNameNoCommandGetTheWholeTree() {
        CommandLine typo = Kiln.commandLine(QUIET, Providers::installed, new String[] {"--console", "plain", "convrt"});
        CommandLine valueLooksLikeCommand = Kiln.commandLine(QUIET, Providers::installed,
                new String[] {"--result-file", "convert"});

        assertThat(typo.getSubcommands()).hasSize(14);
        assertThat(valueLooksLikeCommand.getSubcommands()).hasSize(14);
        assertThat(CliRun.run("convrt").stderr()).contains("convert");
    }

    private static Supplier<List<ProviderFactory>> refused() {
        return () -> {
            throw new AssertionError("providers were looked up");
        };
    }

    private static void collect(CommandLine cli, List<String> path, List<List<String>> out) {
        cli.getSubcommands().forEach((name, sub) -> {
            List<String> child = new ArrayList<>(path);
            child.add(name);
            out.add(child);
            collect(sub, child, out);
        });
    }
}
