package dev.kiln.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** An Error escaping a command is one clear line and exit 1, and the shutdown hook is released (issue 20). */
@Tag("security")
class MainSecurityTest {

    @Test
    void anOutOfMemoryErrorIsOneLineExitOneAndNoShutdownHang() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Interrupts interrupts = new Interrupts(new Thread(() -> { }));
        Session session = Session.of(out, err, Map.of(), interrupts);

        int code = Main.run(new String[] {"build", "endless.yml"}, session, interrupts, (args, s) -> {
            throw new OutOfMemoryError("Java heap space");
        });

        assertThat(code).isEqualTo(Kiln.FAILURE);
        String text = err.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("kiln: stopped by an internal error: OutOfMemoryError: Java heap space")
                .doesNotContain("\tat ");
        // the JVM's shutdown hook runs next: it must not wait out its 90 s for a command that is gone
        assertTimeoutPreemptively(Duration.ofSeconds(5), interrupts::onShutdown);
    }

    @Test
    void aStackOverflowIsCaughtToo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Interrupts interrupts = new Interrupts(new Thread(() -> { }));
        int code = Main.run(new String[0], Session.of(new ByteArrayOutputStream(), err, Map.of(), interrupts),
                interrupts, (args, s) -> {
                    throw new StackOverflowError();
                });
        assertThat(code).isEqualTo(Kiln.FAILURE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("StackOverflowError");
    }
}
