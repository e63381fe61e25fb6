package dev.kiln.api;

/** Receives events; must be thread-safe, as uploads report from several workers. */
@FunctionalInterface
public interface EventSink {

    EventSink NONE = event -> { };

    void accept(Event event);
}
