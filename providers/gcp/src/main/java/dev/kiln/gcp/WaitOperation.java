package dev.kiln.gcp;

import com.google.cloud.compute.v1.GetGlobalOperationRequest;
import com.google.cloud.compute.v1.GetZoneOperationRequest;
import com.google.cloud.compute.v1.GlobalOperationsClient;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.ZoneOperationsClient;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Polls a global or zonal operation until it is DONE (cloud.google.com/compute/docs/api/how-tos/api-requests-responses),
 * reporting its progress, and fails with the operation's own errors or when the timeout passes.
 * Polls start every 2 s and slow to every 10 s, so a 20-minute import costs about 130 requests.
 */
final class WaitOperation {

    static final Duration FIRST_POLL = Duration.ofSeconds(2);
    static final Duration LAST_POLL = Duration.ofSeconds(10);

    private final Remote remote;
    private final Clock clock;
    private final Events events;

    WaitOperation(Remote remote, Clock clock, Events events) {
        this.remote = remote;
        this.clock = clock;
        this.events = events;
    }

    Operation global(GlobalOperationsClient client, String project, Operation op, String action, Duration timeout)
            throws InterruptedException {
        GetGlobalOperationRequest get = GetGlobalOperationRequest.newBuilder().setProject(project)
                .setOperation(op.getName()).build();
        return until(op, () -> client.getCallable().call(get), action, timeout);
    }

    Operation zone(ZoneOperationsClient client, String project, String zone, Operation op, String action,
                   Duration timeout) throws InterruptedException {
        GetZoneOperationRequest get = GetZoneOperationRequest.newBuilder().setProject(project).setZone(zone)
                .setOperation(op.getName()).build();
        return until(op, () -> client.getCallable().call(get), action, timeout);
    }

    private Operation until(Operation first, Supplier<Operation> poll, String action, Duration timeout)
            throws InterruptedException {
        Instant deadline = clock.instant().plus(timeout);
        Duration pause = FIRST_POLL;
        Operation op = first;
        while (op.getStatus() != Operation.Status.DONE) {
            events.items(action, op.getProgress(), 100);
            if (!clock.instant().isBefore(deadline)) {
                throw KilnException.tried(action, "operation " + op.getName() + " was still "
                        + op.getStatus() + " after " + timeout.toString().substring(2).toLowerCase(),
                        "pass a longer --timeout; big images can take GCE half an hour");
            }
            remote.sleeper().sleep(pause);
            pause = pause.multipliedBy(3).dividedBy(2).compareTo(LAST_POLL) > 0 ? LAST_POLL
                    : pause.multipliedBy(3).dividedBy(2);
            op = remote.call("check operation " + first.getName(), poll::get);
        }
        if (op.hasError() && op.getError().getErrorsCount() > 0 || op.hasHttpErrorStatusCode()
                && op.getHttpErrorStatusCode() >= 400) {
            throw GcpErrors.operationFailed(action, op);
        }
        events.items(action, 100, 100);
        return op;
    }
}
