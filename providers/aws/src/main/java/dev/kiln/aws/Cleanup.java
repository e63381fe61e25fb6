package dev.kiln.aws;

import dev.kiln.core.Events;
import dev.kiln.core.KilnException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What a push or run has made so far, as undo steps. On failure or Ctrl-C the steps run newest
 * first and the error says what was removed and what could not be.
 */
final class Cleanup {

    /** One thing to remove, e.g. "snapshot snap-0123". */
    interface Step {
        void undo() throws Exception;
    }

    private record Entry(String what, Step step) {}

    private final Deque<Entry> entries = new ArrayDeque<>();
    private final Events events;

    Cleanup(Events events) {
        this.events = events;
    }

    synchronized void add(String what, Step step) {
        entries.push(new Entry(what, step));
    }

    /** The thing is kept after all (it was published), or was removed on purpose. */
    synchronized void forget(String what) {
        entries.removeIf(e -> e.what().equals(what));
    }

    synchronized void clear() {
        entries.clear();
    }

    /**
     * Undoes everything and returns the error to throw: the original message plus what was
     * cleaned. On interruption the thread's interrupt flag is set again afterwards.
     */
    KilnException fail(String action, Throwable cause) {
        boolean interrupted = cause instanceof InterruptedException || AwsErrors.interrupted(cause)
                || Thread.interrupted();
        Thread.interrupted();
        String report = undoAll();
        String message;
        if (interrupted) {
            message = "Stopped while trying to " + action + "; " + report;
        } else {
            RuntimeException runtime = cause instanceof RuntimeException r ? r : new RuntimeException(cause);
            message = AwsErrors.map(action, runtime).getMessage() + ". " + capitalise(report);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return new KilnException(message, cause);
    }

    private String undoAll() {
        List<String> removed = new ArrayList<>();
        List<String> left = new ArrayList<>();
        while (true) {
            Entry entry;
            synchronized (this) {
                entry = entries.poll();
            }
            if (entry == null) {
                break;
            }
            try {
                entry.step().undo();
                removed.add(entry.what());
                events.info("cleaned up: removed " + entry.what());
            } catch (Exception e) {
                left.add(entry.what() + " (" + AwsErrors.rootMessage(e) + ")");
                events.warn("could not remove " + entry.what() + ": " + AwsErrors.rootMessage(e));
            }
        }
        String text = removed.isEmpty() ? "nothing had been created" : "cleaned up: removed " + String.join(", ", removed);
        if (!left.isEmpty()) {
            text += "; could NOT remove " + String.join(", ", left) + ", remove by hand";
        }
        return text;
    }

    private static String capitalise(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
