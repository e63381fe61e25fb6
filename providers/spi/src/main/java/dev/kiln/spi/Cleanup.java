package dev.kiln.spi;

import dev.kiln.api.Events;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

    /**
     * Removes a thing that may not exist (a create that was cut off or refused may or may not have left it):
     * returns what it removed, named as it is known now, or empty when there was nothing to remove.
     */
    @FunctionalInterface
    public interface UndoIfMade {
        Optional<String> run() throws Exception;
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

    /**
     * How long an undo step may take. {@link #undo} runs the cheap steps first (newest first), then the slow
     * ones, so a slow one (waiting for an import to finish before it can be deleted) cannot use up the budget
     * the quick deletes need.
     */
    public enum Cost { CHEAP, SLOW }

    /**
     * The whole cleanup's time: it fits inside the 90 s the CLI's shutdown handler waits (cli Interrupts), so
     * what could not be removed is reported with its command instead of being cut off silently.
     */
    public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(60);

    private final class Step implements Handle {
        private final String what;
        private final String manual;
        private final UndoIfMade undo;
        private final Cost cost;

        private Step(String what, String manual, Cost cost, UndoIfMade undo) {
            this.what = what;
            this.manual = manual;
            this.undo = undo;
            this.cost = cost;
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
        return add(what, manual, Cost.CHEAP, undo);
    }

    /** As {@link #add(String, String, Undo)}; a {@link Cost#SLOW} step is undone after every cheap one. */
    public synchronized Handle add(String what, String manual, Cost cost, Undo undo) {
        return push(new Step(what, manual, cost, () -> {
            undo.run();
            return Optional.of(what);
        }));
    }

    /**
     * Something may have been made: {@code what} says so ("virtual machine web (if the create made it)"), and
     * {@code undo} looks for it and removes it. The cleanup message then names what was removed, or says nothing
     * of this step when there was nothing.
     */
    public synchronized Handle addIfMade(String what, String manual, UndoIfMade undo) {
        return push(new Step(what, manual, Cost.CHEAP, undo));
    }

    private Handle push(Step step) {
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
        return undo(DEFAULT_BUDGET);
    }

    /**
     * As {@link #undo()}, within {@code budget} in all: cheap steps first, then slow ones; a step still running
     * when the budget ends is abandoned (its thread interrupted), and it and every step not reached are listed
     * as not removed, each with its command.
     */
    public String undo(Duration budget) {
        Thread.interrupted();
        long deadline = System.nanoTime() + budget.toNanos();
        List<String> removed = new ArrayList<>();
        List<String> left = new ArrayList<>();
        for (Step step = next(); step != null; step = next()) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                left.add(leftText(step, "not reached within the " + dev.kiln.api.Poll.human(budget) + " cleanup budget"));
                continue;
            }
            Exception failure;
            List<String> gone = new ArrayList<>(1);
            try {
                failure = runWithin(step, remaining, gone);
            } catch (InterruptedException e) {
                failure = e;
            }
            if (failure == null) {
                for (String thing : gone) {
                    removed.add(thing);
                    events.info("cleaned up: removed " + thing);
                }
            } else {
                Thread.interrupted();
                String why = failure instanceof TimeoutException ? "still not done when the " + budget.toSeconds()
                        + " s cleanup budget ran out" : reason.apply(failure);
                left.add(leftText(step, why));
                events.warn("could not remove " + step.what + ": " + why);
            }
        }
        String text = removed.isEmpty() ? "" : "removed " + String.join(", ", removed);
        if (!left.isEmpty()) {
            text += (text.isEmpty() ? "" : "; ") + "could NOT remove " + String.join(", ", left);
        }
        return text;
    }

    private static String leftText(Step step, String why) {
        return step.what + " (" + why + "; "
                + (step.manual == null ? "remove it by hand" : "remove it with '" + step.manual + "'") + ")";
    }

    /**
     * Runs one undo on its own thread; null when it finished (what it removed added to {@code removed}), its
     * failure, or a TimeoutException.
     */
    private static Exception runWithin(Step step, long nanos, List<String> removed) throws InterruptedException {
        Exception[] failure = new Exception[1];
        boolean[] done = new boolean[1];
        Thread t = new Thread(() -> {
            try {
                Optional<String> thing = step.undo.run();
                synchronized (done) {
                    thing.ifPresent(removed::add);
                }
            } catch (Exception e) {
                failure[0] = e;
            } catch (Throwable e) {
                failure[0] = new Exception(e);
            } finally {
                synchronized (done) {
                    done[0] = true;
                }
            }
        }, "kiln-cleanup");
        t.setDaemon(true);
        t.start();
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos)));
        synchronized (done) {
            if (done[0]) {
                return failure[0];
            }
        }
        t.interrupt();
        return new TimeoutException(step.what);
    }

    /** The next step: the newest cheap one, else the newest slow one. */
    private synchronized Step next() {
        for (Step s : steps) {
            if (s.cost == Cost.CHEAP) {
                steps.remove(s);
                return s;
            }
        }
        return steps.poll();
    }
}
