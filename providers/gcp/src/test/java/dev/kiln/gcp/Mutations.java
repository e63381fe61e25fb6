package dev.kiln.gcp;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The mutating calls the stand-ins saw, in order, with the TCK's hooks: fail the n-th from now with an
 * error that is not retried, or run an action (Ctrl-C) when it arrives, before it is answered.
 */
final class Mutations {

    private final List<String> log = new CopyOnWriteArrayList<>();
    private int failAt = -1;
    private int actAt = -1;
    private Runnable action;

    List<String> log() {
        return List.copyOf(log);
    }

    synchronized void failAt(int n) {
        failAt = log.size() + n;
    }

    synchronized void actAt(int n, Runnable what) {
        actAt = log.size() + n;
        action = what;
    }

    /** Logs {@code call}; runs the action if it is due; true when this call must fail. */
    boolean arrive(String call) {
        Runnable run = null;
        boolean fail;
        synchronized (this) {
            log.add(call);
            if (log.size() == actAt) {
                run = action;
            }
            fail = log.size() == failAt;
        }
        if (run != null) {
            run.run();
        }
        return fail;
    }
}
