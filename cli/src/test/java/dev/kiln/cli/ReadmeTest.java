package dev.kiln.cli;

import dev.kiln.cli.fake.FakeCloudProviderFactory;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.Providers;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Keeps README.md's command reference equal to what the command tree prints. */
class ReadmeTest {

    private static final Path README = Path.of("..", "README.md");
    private static final String START = "<!-- commands:start -->\n";
    private static final String END = "<!-- commands:end -->";

    @Test
    void commandReferenceMatchesTheHelpTheCommandsPrint() throws IOException {
        String readme = Files.readString(README);
        String current = readme.substring(readme.indexOf(START) + START.length(), readme.indexOf(END));
        String expected = reference();

        if (!current.equals(expected) && System.getenv("KILN_UPDATE_README") != null) {
            Files.writeString(README, readme.replace(START + current + END, START + expected + END));
            return;
        }
        assertThat(current).as("README command reference; regenerate with KILN_UPDATE_README=1").isEqualTo(expected);
    }

    /** Help of every command, with the real providers only (not the test one). */
    static String reference() {
        List<ProviderFactory> real = Providers.installed().stream()
                .filter(f -> !(f instanceof FakeCloudProviderFactory)).toList();
        Session session = Session.of(new ByteArrayOutputStream(), new ByteArrayOutputStream(), Map.of(),
                Interrupts.none());
        CommandLine root = Kiln.commandLine(session, real);
        StringBuilder out = new StringBuilder();
        append(out, root);
        return out.toString();
    }

    private static void append(StringBuilder out, CommandLine cmd) {
        String usage = cmd.getUsageMessage(CommandLine.Help.Ansi.OFF).stripTrailing();
        out.append("### ").append(cmd.getCommandSpec().qualifiedName()).append("\n\n```\n").append(usage)
                .append("\n```\n\n");
        for (CommandLine sub : cmd.getSubcommands().values()) {
            if (sub.getCommandSpec().name().equals(sub.getCommandName()) && !sub.getCommandSpec().usageMessage().hidden()) {
                append(out, sub);
            }
        }
    }
}
