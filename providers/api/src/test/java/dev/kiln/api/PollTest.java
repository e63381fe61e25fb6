package dev.kiln.api;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PollTest {

    private final FakeTime time = new FakeTime();

    @Test
    void asksEveryIntervalUntilTheAnswerIsFinal() throws Exception {
        AtomicInteger looks = new AtomicInteger();
        Poll poll = new Poll(time, time, Duration.ofSeconds(5), Duration.ofMinutes(1), "raise --timeout");

        String state = poll.until("snapshot snap-1 to complete",
                () -> looks.incrementAndGet() < 4 ? Optional.empty() : Optional.of("completed"));

        assertThat(state).isEqualTo("completed");
        assertThat(time.sleeps).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    @Test
    void givesUpAtTheTimeoutWithTheRemedy() {
        Poll poll = new Poll(time, time, Duration.ofSeconds(10), Duration.ofSeconds(30), "raise --timeout");

        assertThatThrownBy(() -> poll.until("instance i-1 to stop", Optional::empty))
                .isInstanceOf(KilnException.class)
                .hasMessage("Tried to wait for instance i-1 to stop but it was not done after 30 s; raise --timeout");
        assertThat(time.sleeps).hasSize(3);
    }

    @Test
    void theTimeoutIsSaidInTheUnitsThatFit() {
        Poll poll = new Poll(time, time, Duration.ofSeconds(10), Duration.ofSeconds(150), "raise --timeout");

        assertThatThrownBy(() -> poll.until("instance i-1 to stop", Optional::empty))
                .hasMessageContaining("not done after 2 min 30 s;");
        assertThat(Poll.human(Duration.ofSeconds(10))).isEqualTo("10 s");
        assertThat(Poll.human(Duration.ofMinutes(60))).isEqualTo("1 h");
        assertThat(Poll.human(Duration.ofMinutes(65))).isEqualTo("1 h 5 min");
        assertThat(Poll.human(Duration.ofMillis(250))).isEqualTo("250 ms");
    }

    @Test
    void aCancelWakesARealWaitAtOnce() throws Exception {
        CancelToken token = CancelToken.create();
        Poll poll = new Poll(java.time.Clock.systemUTC(), Sleeper.on(token), Duration.ofHours(1), Duration.ofHours(2), "");
        AtomicInteger looks = new AtomicInteger();

        assertThatThrownBy(() -> poll.until("image to be available", () -> {
            if (looks.incrementAndGet() == 1) {
                token.cancel();
            }
            return Optional.empty();
        })).isInstanceOf(InterruptedException.class);
        assertThat(looks).hasValue(1);
    }
}
