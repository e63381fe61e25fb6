package dev.kiln.cli;

import dev.kiln.api.Event;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A terminal display: log lines scroll above, and the tasks in progress are redrawn in place as
 * bars with amount, percentage and rate. Redraws at most ten times a second.
 */
final class RichRenderer extends Renderer {

    private static final int BAR = 28;
    private static final long REDRAW_MILLIS = 100;

    private record Task(Event.Progress progress, long startedAt) {}

    private final PrintWriter err;
    private final Map<String, Task> tasks = new LinkedHashMap<>();
    private int drawnLines;
    private long lastDraw;

    RichRenderer(PrintWriter err, Event.Level threshold, boolean progress) {
        super(threshold, progress);
        this.err = err;
    }

    @Override
    void log(String source, boolean warning, String message) {
        print((warning ? "\u001b[33mwarning:\u001b[0m " : "") + message);
    }

    @Override
    void phase(String source, String name) {
        print("\u001b[1m" + source + "\u001b[0m " + name);
    }

    @Override
    void progress(Event.Progress p) {
        String key = p.source() + "/" + p.task();
        Task old = tasks.get(key);
        tasks.put(key, new Task(p, old == null ? System.nanoTime() : old.startedAt()));
        boolean finished = p.total() >= 0 && p.done() >= p.total();
        long now = System.currentTimeMillis();
        if (finished || now - lastDraw >= REDRAW_MILLIS) {
            redraw();
            lastDraw = now;
        }
        if (finished) {
            tasks.remove(key);
            drawnLines = 0;
            redraw();
        }
    }

    private void print(String line) {
        clear();
        err.println(line);
        redraw();
    }

    private void clear() {
        for (int i = 0; i < drawnLines; i++) {
            err.print("\u001b[1A\u001b[2K");
        }
        drawnLines = 0;
    }

    private void redraw() {
        clear();
        for (Task t : tasks.values()) {
            err.println(bar(t));
            drawnLines++;
        }
        err.flush();
    }

    private static String bar(Task t) {
        Event.Progress p = t.progress();
        double seconds = Math.max(1e-3, (System.nanoTime() - t.startedAt()) / 1e9);
        String rate = p.unit() == Event.Unit.BYTES ? "  " + size((long) (p.done() / seconds)) + "/s" : "";
        if (p.total() <= 0) {
            return String.format("%-24s %s%s", p.task(), amount(p, p.done()), rate);
        }
        int filled = (int) Math.min(BAR, p.done() * BAR / p.total());
        return String.format("%-24s [%s%s] %3d%%  %s / %s%s", p.task(), "=".repeat(filled), " ".repeat(BAR - filled),
                p.done() * 100 / p.total(), amount(p, p.done()), amount(p, p.total()), rate);
    }

    @Override
    synchronized void close() {
        clear();
        tasks.clear();
        err.flush();
    }
}
