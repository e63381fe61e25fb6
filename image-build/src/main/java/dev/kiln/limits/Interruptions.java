package dev.kiln.limits;

import java.io.InterruptedIOException;

/**
 * Ctrl-C interrupts the command's thread, but reads and writes of ordinary files never look at the flag, so
 * long loops (the root filesystem, the initrd, each output) check it between entries and stop promptly.
 */
public final class Interruptions {

    private Interruptions() {
    }

    /** Throws when this thread was interrupted; the flag stays set for the caller's handler. */
    public static void check(String during) throws InterruptedIOException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("interrupted while writing " + during);
        }
    }
}
