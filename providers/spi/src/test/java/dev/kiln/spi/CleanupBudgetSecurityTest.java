package dev.kiln.spi;

import dev.kiln.api.Events;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Ctrl-C during an import: the slow undo (wait for the import, then delete the image) must not eat the time
 * the cheap one (delete the uploaded object) needs, and what is left is said with its command (issue 20).
 */
@Tag("security")
class CleanupBudgetSecurityTest {

    private final List<String> undone = new CopyOnWriteArrayList<>();
    private final Cleanup cleanup = new Cleanup(Events.none(), Throwable::getMessage);

    @Test
    void cheapStepsRunFirstAndAStepPastTheBudgetIsReportedWithItsCommand() {
        CountDownLatch never = new CountDownLatch(1);
        cleanup.add("object gs://b/disk.tar.gz", "gcloud storage rm gs://b/disk.tar.gz", () -> undone.add("object"));
        cleanup.add("image kiln-1 (importing)", "gcloud compute images delete kiln-1", Cleanup.Cost.SLOW, () -> {
            never.await();
            undone.add("image");
        });
        cleanup.add("instance i-1", "gcloud compute instances delete i-1", () -> undone.add("instance"));

        String report = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> cleanup.undo(Duration.ofMillis(300)));

        assertThat(undone).containsExactly("instance", "object");
        assertThat(report).startsWith("removed instance i-1, object gs://b/disk.tar.gz; could NOT remove image kiln-1")
                .contains("cleanup budget ran out")
                .contains("remove it with 'gcloud compute images delete kiln-1'");
        assertThat(cleanup.isEmpty()).isTrue();
    }

    @Test
    void theDefaultBudgetFitsInsideTheShutdownHandlersWait() {
        assertThat(Cleanup.DEFAULT_BUDGET).isLessThan(Duration.ofSeconds(90));
    }
}
