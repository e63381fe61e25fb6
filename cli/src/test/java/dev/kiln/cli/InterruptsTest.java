package dev.kiln.cli;

import dev.kiln.api.Events;
import dev.kiln.spi.Cleanup;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InterruptsTest {

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
    private final List<Integer> halts = new ArrayList<>();

    @Test
    void theFirstCtrlCCancelsTheTokenAndInterruptsTheCommand() {
        Thread worker = new Thread(() -> { });
        Interrupts interrupts = new Interrupts(worker);
        List<String> closed = new ArrayList<>();
        interrupts.token().onCancel(() -> closed.add("sdk client"));

        interrupts.onSignal(errors, halts::add);

        assertThat(interrupts.token().isCancelled()).isTrue();
        assertThat(interrupts.signalled()).isTrue();
        assertThat(worker.isInterrupted()).isTrue();
        assertThat(closed).containsExactly("sdk client");
        assertThat(halts).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Ctrl-C again to exit at once");
    }

    @Test
    void aSecondCtrlCExitsAtOnceWith130SayingWhatMayBeLeft() {
        Interrupts interrupts = new Interrupts(new Thread(() -> { }));
        Cleanup cleanup = new Cleanup(Events.none(), Exception::getMessage);
        cleanup.add("snapshot snap-0123 in eu-west-1", "aws ec2 delete-snapshot --snapshot-id snap-0123", () -> { });

        interrupts.onSignal(errors, halts::add);
        interrupts.onSignal(errors, halts::add);

        assertThat(halts).containsExactly(Kiln.INTERRUPTED);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("exiting at once; these may be left: "
                + "snapshot snap-0123 in eu-west-1 (remove it with 'aws ec2 delete-snapshot --snapshot-id snap-0123')");
        cleanup.clear();
    }

    @Test
    void aSignalAfterTheCommandFinishedDoesNothing() {
        Interrupts interrupts = new Interrupts(new Thread(() -> { }));
        interrupts.done();

        interrupts.onSignal(errors, halts::add);
        interrupts.onSignal(errors, halts::add);

        assertThat(interrupts.token().isCancelled()).isFalse();
        assertThat(halts).isEmpty();
    }
}
