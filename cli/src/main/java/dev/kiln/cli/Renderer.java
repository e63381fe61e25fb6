package dev.kiln.cli;

import dev.kiln.api.Event;
import dev.kiln.api.EventSink;

/** Shows events to a person: rich progress bars on a terminal, plain lines elsewhere. */
abstract class Renderer implements EventSink {

    protected final Event.Level threshold;
    private final boolean showsProgress;

    Renderer(Event.Level threshold, boolean showsProgress) {
        this.threshold = threshold;
        this.showsProgress = showsProgress;
    }

    static Renderer choose(KilnCommand.ConsoleKind kind, boolean verbose, boolean quiet, Session session) {
        Event.Level level = quiet ? Event.Level.WARN : verbose ? Event.Level.DEBUG : Event.Level.INFO;
        boolean rich = switch (kind) {
            case rich -> true;
            case plain -> false;
            case auto -> isInteractive(session);
        };
        return rich ? new RichRenderer(session.err(), level, !quiet) : new PlainRenderer(session.err(), level, !quiet);
    }

    /** A terminal that can redraw: stderr is a tty, TERM is not dumb, and no CI variable is set. */
    static boolean isInteractive(Session session) {
        String term = session.env().getOrDefault("TERM", "");
        boolean ci = session.env().containsKey("CI") || session.env().containsKey("BUILD_NUMBER")
                || session.env().containsKey("GITHUB_ACTIONS");
        return System.console() != null && !term.isEmpty() && !term.equals("dumb") && !ci;
    }

    boolean shows(Event.Level level) {
        return level.compareTo(threshold) >= 0;
    }

    /**
     * Every text an event carries is shown with its control characters escaped (see OperatorErrors#printable); a
     * log line (a guest's console) loses its complete terminal sequences first (OperatorErrors#loggable).
     */
    @Override
    public final synchronized void accept(Event event) {
        if (event instanceof Event.Log log) {
            if (shows(log.level())) {
                log(OperatorErrors.printable(log.source()), log.level() == Event.Level.WARN,
                        OperatorErrors.loggable(log.message()));
            }
        } else if (event instanceof Event.Phase phase) {
            if (shows(Event.Level.INFO)) {
                phase(OperatorErrors.printable(phase.source()), OperatorErrors.printable(phase.name()));
            }
        } else if (event instanceof Event.Progress p && showsProgress) {
            progress(new Event.Progress(OperatorErrors.printable(p.source()), OperatorErrors.printable(p.task()),
                    p.done(), p.total(), p.unit()));
        }
    }

    abstract void log(String source, boolean warning, String message);

    abstract void phase(String source, String name);

    abstract void progress(Event.Progress progress);

    /** Finishes any line in progress; called before an error or result is printed. */
    abstract void close();

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static String amount(Event.Progress p, long value) {
        return p.unit() == Event.Unit.BYTES ? size(value) : Long.toString(value);
    }
}
