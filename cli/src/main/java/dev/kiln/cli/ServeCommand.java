package dev.kiln.cli;

import dev.kiln.spi.FileServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code kiln serve DIR}: the shared {@link FileServer} over what {@code push packet --destination DIR} wrote, so
 * a PXE fleet (or a test VM) can fetch the kernel, initrd and iPXE script; an access log line per request on
 * stderr, stopped with Ctrl-C.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        header = "Serve a folder over HTTP (GET, HEAD, ranges) for iPXE and PXE boots, until Ctrl-C.")
final class ServeCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The folder to serve, e.g. the --destination of push packet")
    Path dir;

    @Option(names = "--listen", paramLabel = "ADDR", defaultValue = "127.0.0.1:8080",
            description = "HOST:PORT or :PORT to listen on (default ${DEFAULT-VALUE}; :PORT is every interface)")
    String listen;

    @Override
    public void run() {
        Session session = Kiln.root(spec).session();
        PrintWriter log = session.err();
        CountDownLatch stop = new CountDownLatch(1);
        try (FileServer server = FileServer.start(dir, listen, line -> print(log, line));
             var hook = session.interrupts().token().onCancel(stop::countDown)) {
            print(log, "serving " + server.root() + " at " + server.url() + " (Ctrl-C stops)");
            try {
                stop.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        print(log, "stopped serving " + dir.toAbsolutePath().normalize());
    }

    private static void print(PrintWriter log, String line) {
        synchronized (log) {
            log.println(line);
            log.flush();
        }
    }
}
