package dev.kiln.spi;

import dev.kiln.api.CancelToken;
import dev.kiln.api.Conversions;
import dev.kiln.api.Retry;
import dev.kiln.api.Sleeper;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Cleanup after Ctrl-C: its retries and polls go on to the end, on the sleeper a test injected. */
class ProviderContextCleanupTest {

    private final CancelToken cancel = CancelToken.create();
    private final List<Duration> sleeps = new ArrayList<>();
    private final Sleeper recording = sleeps::add;

    @Test
    void cleanupRetryGoesOnAfterCtrlCAndWaitsOnTheInjectedSleeper() throws Exception {
        ProviderContext context = context(recording);
        Retry calls = context.retry().classifier(e -> Retry.Decision.again("busy")).build();
        cancel.cancel();
        int[] tries = {0};

        String answer = context.cleanupRetry(calls).call("delete snapshot snap-1", () -> {
            if (++tries[0] < 3) {
                throw new IllegalStateException("503");
            }
            return "deleted";
        });

        assertThat(answer).isEqualTo("deleted");
        assertThat(tries[0]).isEqualTo(3);
        assertThat(sleeps).hasSize(2);
        assertThatThrownBy(() -> calls.call("delete snapshot snap-1", () -> "deleted"))
                .as("the command's own retry stops at Ctrl-C").isInstanceOf(InterruptedException.class);
    }

    @Test
    void cleanupPollPollsToTheEndAfterCtrlCOnTheInjectedSleeper() throws Exception {
        ProviderContext context = context(recording);
        cancel.cancel();
        int[] looks = {0};

        String state = context.cleanupPoll(Duration.ofSeconds(2), Duration.ofMinutes(1), "remove it by hand")
                .until("task-1 to finish", () -> ++looks[0] < 4 ? Optional.empty() : Optional.of("success"));

        assertThat(state).isEqualTo("success");
        assertThat(sleeps).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    @Test
    void theCleanupTokenIsNotTrippedByCtrlC() {
        ProviderContext context = context(recording);

        cancel.cancel();

        assertThat(context.cancel().isCancelled()).isTrue();
        assertThat(context.cleanupCancel().isCancelled()).isFalse();
        assertThat(context.cleanupSleeper()).isSameAs(recording);
    }

    @Test
    void withoutAnInjectedSleeperCleanupSleepsForRealThroughCtrlC() throws Exception {
        ProviderContext context = context(null);
        cancel.cancel();

        assertThatThrownBy(() -> context.sleeper().sleep(Duration.ofMillis(1)))
                .isInstanceOf(InterruptedException.class);
        context.cleanupSleeper().sleep(Duration.ofMillis(1));
    }

    @Test
    void toBuilderKeepsTheInjectedSleeperForCleanup() {
        ProviderContext copy = context(recording).toBuilder().build();

        assertThat(copy.cleanupSleeper()).isSameAs(recording);
        assertThat(copy.sleeper()).isSameAs(recording);
    }

    private ProviderContext context(Sleeper sleeper) {
        Conversions none = (Conversions) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Conversions.class}, (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName());
                });
        return ProviderContext.builder().options(Options.resolve(List.of(), Map.of(), Map.of()))
                .workDir(Path.of("unused")).cancel(cancel).sleeper(sleeper).conversions(none).build();
    }
}
