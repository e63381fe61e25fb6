package dev.kiln.cli;

/** Entry point of the launcher. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        ProxyEnvironment.apply(System.getenv(), System.getProperties());
        Interrupts interrupts = new Interrupts(Thread.currentThread());
        Runtime.getRuntime().addShutdownHook(new Thread(interrupts::onSignal, "kiln-ctrl-c"));
        Session session = Session.of(System.out, System.err, System.getenv(), interrupts);
        int code = Kiln.execute(args, session);
        interrupts.done();
        session.out().flush();
        session.err().flush();
        System.exit(code);
    }
}
