package dev.kiln.oci;

import dev.kiln.api.Event;
import dev.kiln.api.Events;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private final List<Duration> sleeps = new ArrayList<>();
    private final List<Event> events = new ArrayList<>();

    private Retry retry(int attempts) {
        return new Retry(attempts, Duration.ofMillis(100), new Events(events::add, "t"), Clock.fixed(NOW, ZoneOffset.UTC),
                sleeps::add);
    }

    @Test
    void retryAfterInSecondsIsThatManySeconds() {
        assertThat(Retry.retryAfter("7", NOW)).contains(Duration.ofSeconds(7));
        assertThat(Retry.retryAfter(" 0 ", NOW)).contains(Duration.ZERO);
    }

    @Test
    void retryAfterAsAnHttpDateIsTheTimeUntilThen() {
        assertThat(Retry.retryAfter("Sun, 01 Mar 2026 12:00:09 GMT", NOW)).contains(Duration.ofSeconds(9));
    }

    @Test
    void aDateInThePastMeansNowAndAFarOneIsCapped() {
        assertThat(Retry.retryAfter("Sun, 01 Mar 2026 11:00:00 GMT", NOW)).contains(Duration.ZERO);
        assertThat(Retry.retryAfter("Mon, 02 Mar 2026 12:00:00 GMT", NOW)).contains(Retry.MAX_RETRY_AFTER);
        assertThat(Retry.retryAfter("86400", NOW)).contains(Retry.MAX_RETRY_AFTER);
    }

    @Test
    void anUnreadableValueIsIgnored() {
        assertThat(Retry.retryAfter("soon", NOW)).isEmpty();
        assertThat(Retry.retryAfter("-3", NOW)).isEmpty();
    }

    @Test
    void theServersWaitReplacesTheBackoffAndOtherwiseTheBackoffIsJitteredUnderADoublingCeiling() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        String result = retry(5).run("GET x", () -> switch (tries.incrementAndGet()) {
            case 1 -> throw new RetryableStatus(503, "r", Optional.of("Sun, 01 Mar 2026 12:00:30 GMT"));
            case 2 -> throw new SocketTimeoutException("r sent nothing for 60 s (idle timeout)");
            case 3 -> throw new RetryableStatus(429, "r", Optional.of("2"));
            case 4 -> throw new RetryableStatus(502, "r", Optional.empty());
            default -> "ok";
        });

        assertThat(result).isEqualTo("ok");
        assertThat(sleeps).hasSize(4);
        assertThat(sleeps.get(0)).isEqualTo(Duration.ofSeconds(30));
        assertThat(sleeps.get(1)).isBetween(Duration.ZERO, Duration.ofMillis(200));
        assertThat(sleeps.get(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(sleeps.get(3)).isBetween(Duration.ZERO, Duration.ofMillis(800));
        assertThat(events).hasSize(4).allMatch(e -> e instanceof Event.Log l && l.level() == Event.Level.WARN);
    }

    @Test
    void theLastFailureIsThrownAfterTheLastTry() {
        AtomicInteger tries = new AtomicInteger();
        assertThatThrownBy(() -> retry(2).run("GET x", () -> {
            tries.incrementAndGet();
            throw new IOException("reset");
        })).isInstanceOf(IOException.class).hasMessage("reset");
        assertThat(tries).hasValue(2);
        assertThat(sleeps).hasSize(1);
        assertThat(sleeps.get(0)).isBetween(Duration.ZERO, Duration.ofMillis(100));
    }
}
