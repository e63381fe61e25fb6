package dev.kiln.api;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CancelTokenTest {

    private final CancelToken token = CancelToken.create();

    @Test
    void hooksRunOnceNewestFirst() {
        List<String> ran = new ArrayList<>();
        token.onCancel(() -> ran.add("close sdk client"));
        token.onCancel(() -> ran.add("abort upload"));

        token.cancel();
        token.cancel();

        assertThat(ran).containsExactly("abort upload", "close sdk client");
        assertThat(token.isCancelled()).isTrue();
    }

    @Test
    void aClosedRegistrationDoesNotRun() {
        List<String> ran = new ArrayList<>();
        try (CancelToken.Registration r = token.onCancel(() -> ran.add("late"))) {
            assertThat(r).isNotNull();
        }

        token.cancel();

        assertThat(ran).isEmpty();
    }

    @Test
    void aHookAddedAfterTheCancelRunsAtOnce() {
        token.cancel();
        List<String> ran = new ArrayList<>();

        token.onCancel(() -> ran.add("now"));

        assertThat(ran).containsExactly("now");
    }

    @Test
    void aFailingHookDoesNotStopTheOthers() {
        List<String> ran = new ArrayList<>();
        token.onCancel(() -> ran.add("second"));
        token.onCancel(() -> {
            throw new IllegalStateException("boom");
        });

        token.cancel();

        assertThat(ran).containsExactly("second");
    }

    @Test
    void aSleepingThreadWakesWhenCancelled() throws Exception {
        CountDownLatch asleep = new CountDownLatch(1);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread sleeper = new Thread(() -> {
            try {
                asleep.countDown();
                token.sleep(Duration.ofHours(1));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        sleeper.start();
        assertThat(asleep.await(10, TimeUnit.SECONDS)).isTrue();

        token.cancel();
        sleeper.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(sleeper.isAlive()).isFalse();
        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
    }

    @Test
    void throwIfCancelledThrowsOnlyOnceCancelled() throws Exception {
        token.throwIfCancelled();
        token.cancel();

        assertThatThrownBy(token::throwIfCancelled).isInstanceOf(InterruptedException.class);
    }
}
