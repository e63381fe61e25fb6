package dev.kiln.cli;

import sun.misc.Signal;

/** Entry point of the launcher. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        ProxyEnvironment.apply(System.getenv(), System.getProperties());
        PluginPath.apply(System.getenv(), System.getProperty("kiln.home"));
        Interrupts interrupts = new Interrupts(Thread.currentThread());
        Signal.handle(new Signal("INT"), s -> interrupts.onSignal(System.err, Runtime.getRuntime()::halt));
        Runtime.getRuntime().addShutdownHook(new Thread(interrupts::onShutdown, "kiln-shutdown"));
        Session session = Session.of(System.out, System.err, System.getenv(), interrupts);
        int code = Kiln.execute(args, session);
        session.out().flush();
        session.err().flush();
        if (code != Kiln.OK && interrupts.signalled()) {
            code = Kiln.INTERRUPTED;
        }
        interrupts.done();
        System.exit(code);
    }
}
