package dev.kiln.testkit;

import dev.kiln.api.Event;
import dev.kiln.api.EventSink;
import dev.kiln.api.Events;

import java.util.ArrayList;
import java.util.List;

/** Keeps every event, for assertions on what a provider reported. */
public final class RecordingEvents implements EventSink {

    private final List<Event> events = new ArrayList<>();

    @Override
    public synchronized void accept(Event event) {
        events.add(event);
    }

    public synchronized List<Event> all() {
        return List.copyOf(events);
    }

    public Events as(String source) {
        return new Events(this, source);
    }

    /** Every log message and phase name, one per line: what a user would have read. */
    public synchronized String text() {
        StringBuilder b = new StringBuilder();
        for (Event e : events) {
            if (e instanceof Event.Log log) {
                b.append(log.level()).append(' ').append(log.message()).append('\n');
            } else if (e instanceof Event.Phase phase) {
                b.append("PHASE ").append(phase.name()).append('\n');
            }
        }
        return b.toString();
    }
}
