package dev.kiln.qemu;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs qemu in the foreground until the guest powers off. The serial console goes to the terminal
 * as is when interactive (qemu gets kiln's stdin and stdout, keyboard included), else line by line
 * to the console events; qemu itself copies it into the console log either way. qemu's stderr is
 * kept for the error message. A timeout, a cancel (Ctrl-C) or an interrupt stops qemu: SIGTERM, which
 * it handles by closing its files, then SIGKILL if it lingers.
 */
final class ConsoleRunner {

    private static final long STOP_SECONDS = 10;
    private static final long DRAIN_MILLIS = 5_000;
    private static final int KEPT_ERROR_LINES = 40;

    private final Events console;
    private final ProcessWait waits;

    /** @param console where guest console lines go when not interactive */
    ConsoleRunner(Events console, ProcessWait waits) {
        this.console = console;
        this.waits = waits;
    }

    /**
     * How a run ended.
     *
     * @param exitCode qemu's exit status (0 after a guest power-off); -1 when kiln stopped it
     * @param timedOut true when the timeout stopped it
     * @param stderr   what qemu wrote to stderr, last lines only
     * @param elapsed  from start to exit
     */
    record Outcome(int exitCode, boolean timedOut, List<String> stderr, Duration elapsed) {
        Outcome {
            stderr = List.copyOf(stderr);
        }

        /**
         * True when something outside kiln stopped qemu with a signal, which qemu reports as
         * "terminating on signal N": Ctrl-C reaches qemu too, as it shares the terminal's process group.
         */
        boolean signalled() {
            return !timedOut && stderr.stream().anyMatch(l -> l.contains("terminating on signal"));
        }
    }

    Outcome run(List<String> argv, boolean interactive, Optional<Duration> timeout) throws InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.PIPE);
        if (interactive) {
            builder.redirectInput(ProcessBuilder.Redirect.INHERIT).redirectOutput(ProcessBuilder.Redirect.INHERIT);
        }
        long started = System.nanoTime();
        Process qemu = start(builder, argv.get(0));
        List<String> stderr = new ArrayList<>();
        Thread errors = pump(qemu.getErrorStream(), line -> keep(stderr, line), "qemu-stderr");
        Thread output = interactive ? null : pump(qemu.getInputStream(), console::info, "qemu-console");
        try (var hook = waits.stopOnCancel(qemu)) {
            Optional<Integer> exit = waits.exit(qemu, timeout);
            if (exit.isEmpty()) {
                stop(qemu);
            }
            drain(errors, output);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            synchronized (stderr) {
                return new Outcome(exit.orElse(-1), exit.isEmpty(), stderr, elapsed);
            }
        } catch (InterruptedException e) {
            stop(qemu);
            throw e;
        } finally {
            closeQuietly(qemu);
        }
    }

    private static Process start(ProcessBuilder builder, String binary) {
        try {
            return builder.start();
        } catch (IOException e) {
            throw KilnException.tried("start " + binary, KilnException.reason(e),
                    "install Debian's qemu-system-x86 or point --qemu (or $KILN_QEMU) at qemu-system-x86_64");
        }
    }

    /**
     * SIGTERM, then SIGKILL. This wait is the JDK's on purpose: it runs because the command was cancelled,
     * so it must not end early on the cancel token; it keeps an interrupt for the caller's cleanup after.
     */
    static void stop(Process qemu) {
        boolean interrupted = Thread.interrupted();
        qemu.destroy();
        try {
            if (!qemu.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
                qemu.destroyForcibly().waitFor(STOP_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            qemu.destroyForcibly();
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void keep(List<String> lines, String line) {
        synchronized (lines) {
            lines.add(line);
            if (lines.size() > KEPT_ERROR_LINES) {
                lines.remove(0);
            }
        }
    }

    /** A daemon thread that splits a stream into lines (LF or CRLF, UTF-8) and hands each on. */
    private static Thread pump(InputStream in, Consumer<String> sink, String name) {
        Thread t = new Thread(() -> {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            try (in) {
                int b;
                while ((b = in.read()) >= 0) {
                    if (b == '\n') {
                        sink.accept(text(line));
                        line.reset();
                    } else if (b != '\r') {
                        line.write(b);
                    }
                }
            } catch (IOException e) {
                // the stream closes when qemu is stopped; what was read is passed on below
            }
            if (line.size() > 0) {
                sink.accept(text(line));
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String text(ByteArrayOutputStream line) {
        return line.toString(StandardCharsets.UTF_8);
    }

    private static void drain(Thread... pumps) throws InterruptedException {
        for (Thread t : pumps) {
            if (t != null) {
                t.join(DRAIN_MILLIS);
            }
        }
    }

    private static void closeQuietly(Process qemu) {
        try {
            qemu.getOutputStream().close();
        } catch (IOException e) {
            // qemu has exited; its stdin pipe may already be gone
        }
    }
}
