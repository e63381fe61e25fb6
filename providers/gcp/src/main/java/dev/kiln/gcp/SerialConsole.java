package dev.kiln.gcp;

import com.google.cloud.compute.v1.GetSerialPortOutputInstanceRequest;
import com.google.cloud.compute.v1.InstancesClient;
import com.google.cloud.compute.v1.SerialPortOutput;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads serial port 1 through instances.getSerialPortOutput
 * (cloud.google.com/compute/docs/troubleshooting/viewing-serial-port-output): each call returns
 * the text from {@code start} and the offset to ask for next, so no SSH and no open port are needed.
 * Whole lines go out as events; a partial line waits for its end. With a log file every page is
 * also appended there as returned (carriage returns included) and flushed, so it can be followed.
 */
final class SerialConsole implements AutoCloseable {

    private final InstancesClient instances;
    private final GcpCalls calls;
    private final Events console;
    private final Optional<Path> logPath;
    private final Writer log;
    private final StringBuilder partial = new StringBuilder();
    private long next;

    SerialConsole(InstancesClient instances, GcpCalls calls, Events events, Optional<Path> logPath) {
        this.instances = instances;
        this.calls = calls;
        this.console = events.withSource(events.source() + " console");
        this.logPath = logPath;
        this.log = logPath.map(SerialConsole::open).orElse(null);
    }

    /** Fetches what is new since the last call, saves it and emits its complete lines. */
    void poll(InstancePlan plan) throws InterruptedException {
        GetSerialPortOutputInstanceRequest request = GetSerialPortOutputInstanceRequest.newBuilder()
                .setProject(plan.project()).setZone(plan.zone()).setInstance(plan.name())
                .setPort(1).setStart(next).build();
        SerialPortOutput out = calls.call("read the serial console of " + plan.name(),
                () -> instances.getSerialPortOutputCallable().call(request));
        if (out.getStart() > next) {
            console.warn("[" + (out.getStart() - next) + " bytes of console output were lost: GCE keeps the last 1 MB]");
        }
        next = out.getNext();
        save(out.getContents());
        partial.append(out.getContents());
        int newline;
        while ((newline = partial.indexOf("\n")) >= 0) {
            console.info(partial.substring(0, newline).replace("\r", ""));
            partial.delete(0, newline + 1);
        }
    }

    /** Emits a last line that had no newline. */
    void flush() {
        if (!partial.isEmpty()) {
            console.info(partial.toString());
            partial.setLength(0);
        }
    }

    @Override
    public void close() {
        if (log != null) {
            try {
                log.close();
            } catch (IOException e) {
                throw failure(e);
            }
        }
    }

    private void save(String contents) {
        if (log == null || contents.isEmpty()) {
            return;
        }
        try {
            log.write(contents);
            log.flush();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    private KilnException failure(IOException e) {
        return KilnException.tried("save the serial console to " + logPath.orElseThrow(), KilnException.reason(e),
                "check that its folder exists and is writable, or drop --serial-log");
    }

    private static Writer open(Path path) {
        try {
            return Files.newBufferedWriter(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw KilnException.tried("save the serial console to " + path, KilnException.reason(e),
                    "check that its folder exists and is writable, or drop --serial-log");
        }
    }
}
