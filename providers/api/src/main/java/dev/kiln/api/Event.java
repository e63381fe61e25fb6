package dev.kiln.api;

/**
 * What the core and the providers report while they work. Nothing below the CLI prints:
 * it emits events, and the CLI renders them as progress bars or plain lines.
 */
public sealed interface Event {

    /** Who is speaking: "build", "aws", "qemu" ... used as a prefix in plain output. */
    String source();

    enum Level { DEBUG, INFO, WARN }

    record Log(String source, Level level, String message) implements Event {}

    /** A named step begins, e.g. "upload", "register image", "wait for snapshot". */
    record Phase(String source, String name) implements Event {}

    enum Unit { BYTES, ITEMS }

    /** Work done so far on a task; total is -1 when unknown. */
    record Progress(String source, String task, long done, long total, Unit unit) implements Event {}
}
