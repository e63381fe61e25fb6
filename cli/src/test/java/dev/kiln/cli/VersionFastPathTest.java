package dev.kiln.cli;

import dev.kiln.api.Version;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kiln --version} answers without modelling any command or looking up any provider. */
class VersionFastPathTest {

    @Test
    void versionAloneNeverLooksUpProviders() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Session session = Session.of(out, new ByteArrayOutputStream(), Map.of("TERM", "dumb"), Interrupts.none());
        String[] args = {"--version"};

        int code = Kiln.commandLine(session, () -> {
            throw new AssertionError("providers were looked up for --version");
        }, args).execute(args);
        session.out().flush();

        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("kiln " + Version.get());
    }

    @Test
    void helpWithVersionStillShowsTheWholeTool() {
        CliRun r = CliRun.run("-V", "--help");

        assertThat(r.stdout()).contains("Commands:", "push", "build");
    }
}
