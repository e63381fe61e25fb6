package dev.kiln.api;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryTest {

    private final FakeTime time = new FakeTime();
    private final AtomicInteger calls = new AtomicInteger();

    private Retry.Builder policy() {
        return Retry.builder().clock(time).sleeper(time).random(new Random(7))
                .classifier(e -> e instanceof IOException ? Retry.Decision.again(e.getMessage()) : Retry.Decision.fail());
    }

    private String flaky(int failures) throws IOException {
        if (calls.incrementAndGet() <= failures) {
            throw new IOException("reset " + calls.get());
        }
        return "ok";
    }

    @Test
    void aTransientFailureIsTriedAgainUntilItSucceeds() throws Exception {
        String answer = policy().build().call("GET /blob", () -> flaky(3));

        assertThat(answer).isEqualTo("ok");
        assertThat(calls).hasValue(4);
        assertThat(time.sleeps).hasSize(3);
    }

    @Test
    void pausesUseFullJitterUnderAGrowingCeiling() throws Exception {
        policy().attempts(9).base(Duration.ofMillis(100)).max(Duration.ofSeconds(1)).deadline(Duration.ofHours(1))
                .build().call("op", () -> flaky(8));

        for (int n = 0; n < time.sleeps.size(); n++) {
            long ceiling = Math.min(1000, 100L << n);
            assertThat(time.sleeps.get(n).toMillis()).as("pause %d", n + 1).isBetween(0L, ceiling);
        }
        assertThat(time.sleeps.stream().distinct()).as("jittered, not fixed").hasSizeGreaterThan(3);
    }

    @Test
    void aPermanentFailureIsThrownAtOnceAsItWas() {
        assertThatThrownBy(() -> policy().build().call("op", () -> {
            calls.incrementAndGet();
            throw new IllegalStateException("403 forbidden");
        })).isInstanceOf(IllegalStateException.class).hasMessage("403 forbidden");
        assertThat(calls).hasValue(1);
        assertThat(time.sleeps).isEmpty();
    }

    @Test
    void theLastFailureIsThrownWhenAttemptsRunOut() {
        assertThatThrownBy(() -> policy().attempts(3).build().call("op", () -> flaky(10)))
                .isInstanceOf(IOException.class).hasMessage("reset 3");
    }

    @Test
    void theDeadlineBoundsAllAttemptsTogether() {
        Retry retry = policy().attempts(100).classifier(e -> Retry.Decision.againAfter("503",
                Optional.of(Duration.ofSeconds(40)))).deadline(Duration.ofMinutes(2)).build();

        assertThatThrownBy(() -> retry.call("op", () -> flaky(100))).isInstanceOf(IOException.class);

        assertThat(time.sleeps).containsExactly(Duration.ofSeconds(40), Duration.ofSeconds(40), Duration.ofSeconds(40));
        assertThat(calls).hasValue(4);
    }

    @Test
    void aServersRetryAfterIsHonoured() throws Exception {
        policy().classifier(e -> Retry.Decision.againAfter("429", Optional.of(Duration.ofSeconds(7)))).build()
                .call("op", () -> flaky(1));

        assertThat(time.sleeps).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void retryAfterIsReadInBothForms() {
        assertThat(Retry.retryAfter("120", time)).contains(Duration.ofSeconds(120));
        assertThat(Retry.retryAfter("Thu, 01 Jan 2026 00:00:30 GMT", time)).contains(Duration.ofSeconds(30));
        assertThat(Retry.retryAfter("Wed, 31 Dec 2025 23:00:00 GMT", time)).contains(Duration.ZERO);
        assertThat(Retry.retryAfter("soon", time)).isEmpty();
        assertThat(Retry.retryAfter("-5", time)).isEmpty();
        assertThat(Retry.retryAfter(null, time)).isEmpty();
    }

    @Test
    void aCancelledTokenStopsBeforeTheNextAttempt() {
        CancelToken token = CancelToken.create();
        Retry retry = policy().cancel(token).build();

        assertThatThrownBy(() -> retry.call("op", () -> {
            calls.incrementAndGet();
            token.cancel();
            throw new IOException("reset");
        })).isInstanceOf(InterruptedException.class).hasCauseInstanceOf(IOException.class);
        assertThat(calls).hasValue(1);
        assertThat(time.sleeps).isEmpty();
    }
}
