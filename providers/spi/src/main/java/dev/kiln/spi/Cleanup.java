package dev.kiln.spi;

import dev.kiln.api.Events;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/**
 * What a push or run has made in the cloud so far, as undo steps. When the command fails or is
 * interrupted, {@link #undo} removes them newest first and returns a sentence for the error message:
 * what was removed, and what could not be with how to remove it by hand. Every provider keeps one per
 * command, so an operator reads the same kind of message whichever cloud failed.
 */
public final class Cleanup {

    /** Removes one thing. */
    @FunctionalInterface
    public interface Undo {
        void run() throws Exception;
    }

    /** One thing that was made, as {@link #add} registered it. */
    public interface Handle {

        /** The thing is kept after all (it was published, or handed over): no undo for it. */
        void keep();

        /**
         * Removes the thing now, on purpose (an object deleted after import); if removing fails, the undo
         * step stays registered and the failure is thrown.
         */
        void undoNow() throws Exception;
    }

    private final class Step implements Handle {
        private final String what;
        private final String manual;
        private final Undo undo;

        private Step(String what, String manual, Undo undo) {
            this.what = what;
            this.manual = manual;
            this.undo = undo;
        }

        @Override
        public void keep() {
            remove(this);
        }

        @Override
        public void undoNow() throws Exception {
            undo.run();
            remove(this);
        }
    }

    /** Every cleanup of this process, for what a second Ctrl-C says may be left. */
    private static final java.util.Set<Cleanup> LIVE =
            java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>()));

    private final Deque<Step> steps = new ArrayDeque<>();
    private final Events events;
    private final Function<Exception, String> reason;

    /** {@code reason} turns a failed undo into a few words for the message (a provider's error code). */
    public Cleanup(Events events, Function<Exception, String> reason) {
        this.events = events;
        this.reason = reason;
        LIVE.add(this);
    }

    /** What every cleanup of this process still holds, with how to remove each by hand. */
    public static List<String> pendingEverywhere() {
        List<String> all = new ArrayList<>();
        synchronized (LIVE) {
            for (Cleanup c : LIVE) {
                all.addAll(c.pending());
            }
        }
        return all;
    }

    /** What this cleanup would remove, newest first, with the command to remove each by hand. */
    public synchronized List<String> pending() {
        return steps.stream().map(s -> s.what + (s.manual == null ? "" : " (remove it with '" + s.manual + "')"))
                .toList();
    }

    /** Something was made: {@code what} names it ("snapshot snap-0123"), {@code undo} removes it. */
    public Handle add(String what, Undo undo) {
        return add(what, null, undo);
    }

    /** As {@link #add(String, Undo)}, with the command an operator would run if the undo fails. */
    public synchronized Handle add(String what, String manual, Undo undo) {
        Step step = new Step(what, manual, undo);
        steps.push(step);
        return step;
    }

    private synchronized void remove(Step step) {
        steps.remove(step);
    }

    /** Everything made is kept: the command succeeded. */
    public synchronized void clear() {
        steps.clear();
    }

    public synchronized boolean isEmpty() {
        return steps.isEmpty();
    }

    /**
     * Runs every undo step, newest first, even after Ctrl-C: the thread's interrupt flag is cleared
     * first (callers that must keep it set it again). Returns "removed A, B; could NOT remove C (why;
     * remove it with 'command')", or an empty string when nothing had been made.
     */
    public String undo() {
        Thread.interrupted();
        List<String> removed = new ArrayList<>();
        List<String> left = new ArrayList<>();
        for (Step step = next(); step != null; step = next()) {
            try {
                step.undo.run();
                removed.add(step.what);
                events.info("cleaned up: removed " + step.what);
            } catch (Exception e) {
                Thread.interrupted();
                String why = reason.apply(e);
                left.add(step.what + " (" + why + "; "
                        + (step.manual == null ? "remove it by hand" : "remove it with '" + step.manual + "'") + ")");
                events.warn("could not remove " + step.what + ": " + why);
            }
        }
        String text = removed.isEmpty() ? "" : "removed " + String.join(", ", removed);
        if (!left.isEmpty()) {
            text += (text.isEmpty() ? "" : "; ") + "could NOT remove " + String.join(", ", left);
        }
        return text;
    }

    private synchronized Step next() {
        return steps.poll();
    }
}
