package dev.kiln.qemu;

import dev.kiln.api.CancelToken;
import dev.kiln.api.KilnException;
import dev.kiln.api.Poll;
import dev.kiln.spi.ProviderContext;

import java.time.Duration;
import java.util.Optional;

/**
 * How kiln waits for qemu and qemu-img: through the context's one poller, so Ctrl-C (the cancel token)
 * ends a wait at once and a test's clock drives it; and with a cancel hook that sends the process SIGTERM,
 * so a cancelled process is on its way out before the waiting thread even wakes.
 */
final class ProcessWait {

    /** How often a wait looks; the cost of a look is one {@code waitpid}. */
    static final Duration EVERY = Duration.ofMillis(100);

    /** A foreground guest without {@code --timeout} may run for as long as it likes. */
    static final Duration NO_LIMIT = Duration.ofDays(36_500);

    private final ProviderContext context;

    ProcessWait(ProviderContext context) {
        this.context = context;
    }

    /** Sends {@code process} SIGTERM when the command is cancelled; close it once the process is over. */
    CancelToken.Registration stopOnCancel(Process process) {
        return context.cancel().onCancel(process::destroy);
    }

    /**
     * The exit status of {@code process}, or empty when it still ran after {@code timeout}; throws
     * {@link InterruptedException} when the command is cancelled or the thread interrupted.
     */
    Optional<Integer> exit(Process process, Optional<Duration> timeout) throws InterruptedException {
        Poll poll = context.poll(EVERY, timeout.orElse(NO_LIMIT), "");
        Optional<Integer> exit;
        try {
            exit = Optional.of(poll.until("process " + process.pid() + " to exit",
                    () -> process.isAlive() ? Optional.empty() : Optional.of(process.exitValue())));
        } catch (KilnException timedOut) {
            // the check above never throws, so the poller's only failure is its deadline
            exit = Optional.empty();
        }
        // a process the cancel hook stopped may be seen to exit before the poller sleeps on the token
        context.cancel().throwIfCancelled();
        return exit;
    }
}
