package dev.kiln.gcp;

import dev.kiln.core.Events;
import dev.kiln.core.KilnException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What a command made so far, undone newest first when it fails or is interrupted. The result
 * is a sentence for the error message: what was removed, and how to remove what could not be.
 */
final class Cleanup {

    /** Removes one thing; {@code manual} is the command an operator would run instead. */
    interface Undo {
        void run() throws Exception;
    }

    private record Step(String what, String manual, Undo undo) {}

    private final Deque<Step> steps = new ArrayDeque<>();
    private final Events events;

    Cleanup(Events events) {
        this.events = events;
    }

    void add(String what, String manual, Undo undo) {
        steps.push(new Step(what, manual, undo));
    }

    /** The thing was removed or handed over on purpose; do not undo it. */
    void forget(String what) {
        steps.removeIf(s -> s.what.equals(what));
    }

    boolean isEmpty() {
        return steps.isEmpty();
    }

    /** Runs every undo step, even after an interrupt (the flag is cleared while they run). */
    String run() {
        boolean interrupted = Thread.interrupted();
        List<String> removed = new ArrayList<>();
        List<String> left = new ArrayList<>();
        while (!steps.isEmpty()) {
            Step step = steps.pop();
            try {
                events.info("cleaning up: removing " + step.what);
                step.undo.run();
                removed.add(step.what);
            } catch (Exception e) {
                Thread.interrupted();
                left.add(step.what + " (" + (e instanceof KilnException ? e.getMessage() : e.getClass().getSimpleName())
                        + "; remove it with '" + step.manual + "')");
            }
        }
        if (interrupted) {
            events.debug("cleanup ran after an interrupt");
        }
        String text = removed.isEmpty() ? "" : "removed " + String.join(", ", removed);
        if (!left.isEmpty()) {
            text += (text.isEmpty() ? "" : "; ") + "could NOT remove " + String.join(", ", left);
        }
        return text;
    }

    /** The failure's message, followed by what cleanup did. */
    static KilnException report(Throwable failure, String action, String cleaned) {
        String suffix = cleaned.isEmpty() ? "" : " [cleanup: " + cleaned + "]";
        if (failure instanceof InterruptedException) {
            return KilnException.tried(action, "it was interrupted" + suffix, "", failure);
        }
        if (failure instanceof KilnException k) {
            return k.isUsage() ? k : new KilnException(k.getMessage() + suffix, k);
        }
        return new KilnException(GcpErrors.tried(action, failure).getMessage() + suffix, failure);
    }
}
