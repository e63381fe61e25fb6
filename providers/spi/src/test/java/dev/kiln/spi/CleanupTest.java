package dev.kiln.spi;

import dev.kiln.api.Events;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CleanupTest {

    private final List<String> undone = new ArrayList<>();
    private final Cleanup cleanup = new Cleanup(Events.none(), e -> e.getMessage());

    @Test
    void undoesNewestFirstAndSaysWhatItRemoved() {
        cleanup.add("object s3://b/k", () -> undone.add("object"));
        cleanup.add("snapshot snap-1", () -> undone.add("snapshot"));
        cleanup.add("image ami-1", () -> undone.add("image"));

        String report = cleanup.undo();

        assertThat(undone).containsExactly("image", "snapshot", "object");
        assertThat(report).isEqualTo("removed image ami-1, snapshot snap-1, object s3://b/k");
        assertThat(cleanup.isEmpty()).isTrue();
    }

    @Test
    void aFailedUndoIsReportedWithTheCommandThatRemovesItAndTheRestStillRuns() {
        cleanup.add("snapshot snap-1", () -> undone.add("snapshot"));
        cleanup.add("image img-1", "gcloud compute images delete img-1", () -> {
            throw new IllegalStateException("403 forbidden");
        });
        cleanup.add("instance i-1", () -> {
            throw new IllegalStateException("throttled");
        });

        String report = cleanup.undo();

        assertThat(undone).containsExactly("snapshot");
        assertThat(report).isEqualTo("removed snapshot snap-1; could NOT remove instance i-1 (throttled; remove it by hand),"
                + " image img-1 (403 forbidden; remove it with 'gcloud compute images delete img-1')");
    }

    @Test
    void forgottenAndClearedStepsAreKept() {
        cleanup.add("object o", () -> undone.add("object"));
        cleanup.add("task t", () -> undone.add("task")).keep();

        assertThat(cleanup.undo()).isEqualTo("removed object o");
        cleanup.add("image i", () -> undone.add("image"));
        cleanup.clear();
        assertThat(cleanup.undo()).isEmpty();
        assertThat(undone).containsExactly("object");
    }

    @Test
    void runsEvenWhenTheThreadWasInterrupted() {
        cleanup.add("instance i-1", () -> {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("still interrupted");
            }
            undone.add("instance");
        });
        Thread.currentThread().interrupt();

        String report = cleanup.undo();

        assertThat(report).isEqualTo("removed instance i-1");
        assertThat(Thread.interrupted()).isFalse();
    }
}
