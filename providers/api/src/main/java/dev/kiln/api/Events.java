package dev.kiln.api;

import java.util.Objects;

/** A sink bound to one source, with short methods for the common events. */
public final class Events {

    private final EventSink sink;
    private final String source;

    public Events(EventSink sink, String source) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.source = Objects.requireNonNull(source, "source");
    }

    public static Events none() {
        return new Events(EventSink.NONE, "none");
    }

    public Events withSource(String other) {
        return new Events(sink, other);
    }

    public EventSink sink() {
        return sink;
    }

    public String source() {
        return source;
    }

    public void debug(String message) {
        sink.accept(new Event.Log(source, Event.Level.DEBUG, message));
    }

    public void info(String message) {
        sink.accept(new Event.Log(source, Event.Level.INFO, message));
    }

    public void warn(String message) {
        sink.accept(new Event.Log(source, Event.Level.WARN, message));
    }

    public void phase(String name) {
        sink.accept(new Event.Phase(source, name));
    }

    public void bytes(String task, long done, long total) {
        sink.accept(new Event.Progress(source, task, done, total, Event.Unit.BYTES));
    }

    public void items(String task, long done, long total) {
        sink.accept(new Event.Progress(source, task, done, total, Event.Unit.ITEMS));
    }
}
