package dev.kiln.cli;

import sun.misc.Signal;

/** Entry point of the launcher. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        Interrupts interrupts = prepare();
        Session session = Session.of(System.out, System.err, System.getenv(), interrupts);
        System.exit(run(args, session, interrupts));
    }

    /** {@link #run(String[], Session, Interrupts, Command)} of kiln's commands. */
    static int run(String[] args, Session session, Interrupts interrupts) {
        return run(args, session, interrupts, Kiln::execute);
    }

    /**
     * The process's set-up before any command: proxy and plug-in settings from the environment, Ctrl-C and
     * shutdown handling for the calling thread. Also run by the build's start-up training, so that what it
     * loads is in the class-data archive.
     */
    static Interrupts prepare() {
        ProxyEnvironment.apply(System.getenv(), System.getProperties());
        PluginPath.apply(System.getenv(), System.getProperty("kiln.home"));
        Interrupts interrupts = new Interrupts(Thread.currentThread());
        Signal.handle(new Signal("INT"), s -> interrupts.onSignal(System.err, Runtime.getRuntime()::halt));
        Runtime.getRuntime().addShutdownHook(new Thread(interrupts::onShutdown, "kiln-shutdown"));
        return interrupts;
    }

    /** What a command runs; {@link Kiln#execute} in production. */
    interface Command {
        int execute(String[] args, Session session);
    }

    /**
     * Runs the command and always releases the shutdown hook ({@link Interrupts#done()}), whatever escapes:
     * an {@link Error} such as OutOfMemoryError or StackOverflowError (picocli passes Errors through) becomes
     * one clear line and exit 1 instead of a raw stack trace and a shutdown hook waiting out its 90 s.
     */
    static int run(String[] args, Session session, Interrupts interrupts, Command command) {
        int code;
        try {
            code = command.execute(args, session);
        } catch (Throwable t) {
            code = Kiln.FAILURE;
            try {
                session.err().println("kiln: stopped by an internal error: " + describe(t)
                        + (t instanceof OutOfMemoryError ? " (the input may be far larger than expected; a bigger"
                        + " -Xmx via JAVA_OPTS may help)" : "")
                        + "; this looks like a bug in kiln, please report it with the command that caused it");
            } catch (Throwable ignored) {
                // even printing failed (out of memory): the exit code still says it
            }
        } finally {
            interrupts.done();
        }
        try {
            session.out().flush();
            session.err().flush();
        } catch (Throwable ignored) {
            // nothing more to say
        }
        if (code != Kiln.OK && interrupts.signalled()) {
            code = Kiln.INTERRUPTED;
        }
        return code;
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
