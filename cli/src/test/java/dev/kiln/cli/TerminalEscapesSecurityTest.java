package dev.kiln.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Text a file or a server sent, quoted in an error, reaches the terminal with its control characters shown, not
 * obeyed: an ESC sequence cannot clear the screen, move the cursor or retitle the window.
 */
@Tag("security")
class TerminalEscapesSecurityTest {

    @TempDir
    Path dir;

    @Test
    void anEscapeSequenceQuotedInAnErrorIsShownNotSent() throws Exception {
        Path yml = Files.writeString(dir.resolve("evil.yml"),
                "onboot:\n  - name: x\n    image: \"evil\\e]0;owned\\a\\e[2J:1\"\n");

        CliRun r = CliRun.run("build", "-f", "tar", "--dir", dir.resolve("out").toString(), yml.toString());

        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).as(r.stderr()).doesNotContain("\u001b").doesNotContain("\u0007")
                .contains("\\x1b]0;owned\\x07\\x1b[2J");
    }

    @Test
    void newlinesTabsAndTextStayAsTheyAre() {
        assertThat(OperatorErrors.printable("Tried to x but y;\n\tdo z \u00e9\u65e5")).isEqualTo(
                "Tried to x but y;\n\tdo z \u00e9\u65e5");
        assertThat(OperatorErrors.printable("a\u009bb\u202ec")).isEqualTo("a\\x9bb\\u202ec");
    }
}
