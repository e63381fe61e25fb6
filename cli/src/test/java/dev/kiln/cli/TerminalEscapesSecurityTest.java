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

    @Test
    void aGuestsScreenSequencesAreDroppedFromLogLinesAndStrayControlsStillShown() {
        java.io.StringWriter out = new java.io.StringWriter();
        dev.kiln.api.Events events = new dev.kiln.api.Events(new PlainRenderer(new java.io.PrintWriter(out),
                dev.kiln.api.Event.Level.INFO, true), "hello");

        // OVMF's screen setup before its first line, as qemu's serial console hands it over
        events.info("\u001b[2J\u001b[01;01H\u001b[=3h\u001b[2J\u001b[01;01HBdsDxe: loading Boot0001");
        events.info("\u001b]0;owned\u0007title \u001b\u0007bell");

        assertThat(out.toString()).contains("[hello] BdsDxe: loading Boot0001").contains("[hello] title \\x1b\\x07bell")
                .doesNotContain("\u001b").doesNotContain("\u0007").doesNotContain("[2J");
    }
}
