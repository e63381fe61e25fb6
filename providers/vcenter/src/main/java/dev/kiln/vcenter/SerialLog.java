package dev.kiln.vcenter;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code --serial-console}: the VM's serial port writes to a datastore file ({@code serial.out} in the VM's
 * folder, as mantle's ESX platform does), which kiln downloads from where it left off on each look while it waits.
 * Whole lines go out as console events; with {@code --serial-log FILE} the bytes are also appended there as read.
 */
final class SerialLog implements AutoCloseable {

    static final String FILE = "serial.out";

    private final DatastoreFiles datastore;
    private final String path;
    private final Events console;
    private final Optional<Path> saved;
    private final OutputStream out;
    private final StringBuilder partial = new StringBuilder();
    private long offset;

    SerialLog(DatastoreFiles datastore, String path, Events events, Optional<Path> saved) {
        this.datastore = datastore;
        this.path = path;
        this.console = events.withSource(events.source() + " console");
        this.saved = saved;
        try {
            this.out = saved.isPresent() ? Files.newOutputStream(saved.get()) : null;
        } catch (IOException e) {
            throw KilnException.usage("Cannot write --serial-log " + saved.get() + ": " + KilnException.reason(e));
        }
    }

    /** The datastore path of the serial file of a VM whose {@code config.files.vmPathName} is {@code vmx}. */
    static String nextTo(String vmx) {
        int slash = vmx.lastIndexOf('/');
        int bracket = vmx.indexOf("] ");
        return slash > bracket ? vmx.substring(0, slash + 1) + FILE : vmx.substring(0, bracket + 2) + FILE;
    }

    /** Reads what is new and emits its complete lines. */
    void poll() throws InterruptedException {
        byte[] fresh = datastore.readFrom(path, offset);
        if (fresh.length == 0) {
            return;
        }
        offset += fresh.length;
        if (out != null) {
            try {
                out.write(fresh);
                out.flush();
            } catch (IOException e) {
                throw KilnException.tried("write --serial-log " + saved.get(), KilnException.reason(e), "");
            }
        }
        partial.append(new String(fresh, StandardCharsets.UTF_8));
        int newline;
        while ((newline = partial.indexOf("\n")) >= 0) {
            console.info(partial.substring(0, newline).replace("\r", ""));
            partial.delete(0, newline + 1);
        }
    }

    /** A last look, then the last line even without its newline. */
    void finish() throws InterruptedException {
        poll();
        if (!partial.isEmpty()) {
            console.info(partial.toString());
            partial.setLength(0);
        }
    }

    Optional<Path> saved() {
        return saved;
    }

    @Override
    public void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                throw KilnException.tried("write --serial-log " + saved.get(), KilnException.reason(e), "");
            }
        }
    }
}
