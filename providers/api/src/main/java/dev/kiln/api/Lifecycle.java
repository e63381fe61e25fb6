package dev.kiln.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code run} waits for and what it leaves behind: {@code --wait none|running|stopped}, {@code --rm},
 * {@code --keep} and one {@code --timeout} for every wait.
 *
 * @param waitFor what to wait for; empty means the provider's default
 * @param rm      remove the instance (and what was made with it) at the end
 * @param keep    keep what was made when the command fails or is cancelled
 * @param timeout longest wait before giving up; empty means the provider's default
 */
public record Lifecycle(Optional<Wait> waitFor, boolean rm, boolean keep, Optional<Duration> timeout) {

    public enum Wait { NONE, RUNNING, STOPPED }

    public static final Lifecycle DEFAULT = new Lifecycle(Optional.empty(), false, false, Optional.empty());

    public Lifecycle {
        Objects.requireNonNull(waitFor, "waitFor");
        Objects.requireNonNull(timeout, "timeout");
        if (rm && keep) {
            throw KilnException.usage("--rm and --keep contradict each other; pass one");
        }
    }

    public Wait waitOr(Wait fallback) {
        return waitFor.orElse(fallback);
    }

    public Duration timeoutOr(Duration fallback) {
        return timeout.orElse(fallback);
    }
}
