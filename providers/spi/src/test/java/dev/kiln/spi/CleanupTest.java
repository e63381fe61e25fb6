package dev.kiln.spi;

import dev.kiln.api.Events;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void aStepForSomethingThatMayNotExistNamesWhatItFoundOrNothing() {
        cleanup.add("cidata ISO [ds] web.iso", () -> undone.add("iso"));
        cleanup.addIfMade("virtual machine web (if the create made it)", "govc vm.destroy web",
                () -> Optional.of("virtual machine vm-42 (web)"));
        cleanup.addIfMade("virtual machine db (if the create made it)", "govc vm.destroy db", Optional::empty);

        assertThat(cleanup.pending()).contains("virtual machine web (if the create made it) (remove it with "
                + "'govc vm.destroy web')");
        assertThat(cleanup.undo()).isEqualTo("removed virtual machine vm-42 (web), cidata ISO [ds] web.iso");
        assertThat(undone).containsExactly("iso");
    }

    @Test
    void aStepForSomethingThatMayNotExistAndFailsIsLeftUnderItsCautiousName() {
        cleanup.addIfMade("virtual machine web (if the create made it)", "govc vm.destroy web", () -> {
            throw new IllegalStateException("session expired");
        });

        assertThat(cleanup.undo()).isEqualTo("could NOT remove virtual machine web (if the create made it) "
                + "(session expired; remove it with 'govc vm.destroy web')");
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
    void keptAndClearedStepsAreKept() {
        cleanup.add("object o", () -> undone.add("object"));
        cleanup.add("task t", () -> undone.add("task")).keep();

        assertThat(cleanup.undo()).isEqualTo("removed object o");
        cleanup.add("image i", () -> undone.add("image"));
        cleanup.clear();
        assertThat(cleanup.undo()).isEmpty();
        assertThat(undone).containsExactly("object");
    }

    @Test
    void undoNowRemovesAtOnceAndOnlyOnce() throws Exception {
        Cleanup.Handle object = cleanup.add("object o", () -> undone.add("object"));
        cleanup.add("snapshot s", () -> undone.add("snapshot"));

        object.undoNow();

        assertThat(cleanup.pending()).containsExactly("snapshot s");
        assertThat(cleanup.undo()).isEqualTo("removed snapshot s");
        assertThat(undone).containsExactly("object", "snapshot");
    }

    @Test
    void aFailedUndoNowStaysRegistered() {
        Cleanup.Handle object = cleanup.add("object o", "aws s3 rm s3://b/o", () -> {
            throw new IllegalStateException("503");
        });

        assertThatThrownBy(object::undoNow).hasMessage("503");

        assertThat(cleanup.pending()).containsExactly("object o (remove it with 'aws s3 rm s3://b/o')");
        assertThat(Cleanup.pendingEverywhere()).contains("object o (remove it with 'aws s3 rm s3://b/o')");
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
