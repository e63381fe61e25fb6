package dev.kiln.gcp;

import com.google.cloud.compute.v1.GetSerialPortOutputInstanceRequest;
import com.google.cloud.compute.v1.InstancesClient;
import com.google.cloud.compute.v1.SerialPortOutput;
import dev.kiln.core.Events;

/**
 * Reads serial port 1 through instances.getSerialPortOutput
 * (cloud.google.com/compute/docs/troubleshooting/viewing-serial-port-output): each call returns
 * the text from {@code start} and the offset to ask for next, so no SSH and no open port are needed.
 * Whole lines go out as events; a partial line waits for its end.
 */
final class SerialConsole {

    private final InstancesClient instances;
    private final Remote remote;
    private final Events console;
    private final StringBuilder partial = new StringBuilder();
    private long next;

    SerialConsole(InstancesClient instances, Remote remote, Events events) {
        this.instances = instances;
        this.remote = remote;
        this.console = events.withSource(events.source() + " console");
    }

    /** Fetches what is new since the last call and emits its complete lines. */
    void poll(InstancePlan plan) throws InterruptedException {
        GetSerialPortOutputInstanceRequest request = GetSerialPortOutputInstanceRequest.newBuilder()
                .setProject(plan.project()).setZone(plan.zone()).setInstance(plan.name())
                .setPort(1).setStart(next).build();
        SerialPortOutput out = remote.call("read the serial console of " + plan.name(),
                () -> instances.getSerialPortOutputCallable().call(request));
        if (out.getStart() > next) {
            console.warn("[" + (out.getStart() - next) + " bytes of console output were lost: GCE keeps the last 1 MB]");
        }
        next = out.getNext();
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
}
