package dev.kiln.cli;

import dev.kiln.api.Event;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

/**
 * One timestamped line per event, prefixed by its source; progress at most every 10 % or 5 s
 * per task so CI logs stay short.
 */
final class PlainRenderer extends Renderer {

    private static final long QUIET_MILLIS = 5_000;

    private final PrintWriter err;
    private final Map<String, long[]> last = new HashMap<>();

    PlainRenderer(PrintWriter err, Event.Level threshold, boolean progress) {
        super(threshold, progress);
        this.err = err;
    }

    @Override
    void log(String source, boolean warning, String message) {
        line(source, (warning ? "warning: " : "") + message);
    }

    @Override
    void phase(String source, String name) {
        line(source, name);
    }

    @Override
    void progress(Event.Progress p) {
        if (due(p)) {
            String total = p.total() >= 0 ? " of " + amount(p, p.total()) + percent(p) : "";
            line(p.source(), p.task() + ": " + amount(p, p.done()) + total);
        }
    }

    private boolean due(Event.Progress p) {
        String key = p.source() + "/" + p.task();
        long now = System.currentTimeMillis();
        long tenth = p.total() > 0 ? p.done() * 10 / p.total() : -1;
        long[] prev = last.get(key);
        boolean finished = p.total() >= 0 && p.done() >= p.total();
        if (prev == null || finished || tenth > prev[1] || now - prev[0] >= QUIET_MILLIS) {
            if (prev != null && finished && prev[1] == 10) {
                return false;
            }
            last.put(key, new long[] {now, finished ? 10 : tenth});
            return true;
        }
        return false;
    }

    private static String percent(Event.Progress p) {
        return p.total() > 0 ? " (" + (p.done() * 100 / p.total()) + "%)" : "";
    }

    private void line(String source, String text) {
        err.println(Instant.now().truncatedTo(ChronoUnit.SECONDS) + " [" + source + "] " + text);
        err.flush();
    }

    @Override
    void close() {
        err.flush();
    }
}
