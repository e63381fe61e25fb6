package dev.kiln.gcp;

import com.google.cloud.compute.v1.GetGlobalOperationRequest;
import com.google.cloud.compute.v1.GetZoneOperationRequest;
import com.google.cloud.compute.v1.GlobalOperationsClient;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.ZoneOperationsClient;
import dev.kiln.api.KilnException;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Polls a global or zonal operation until it is DONE (cloud.google.com/compute/docs/api/how-tos/api-requests-responses)
 * with kiln's {@link dev.kiln.api.Poll}, reporting its progress, and fails with the operation's own errors or
 * when the timeout passes. A poll every 5 s: a 20-minute import costs 240 small requests.
 */
final class WaitOperation {

    static final Duration INTERVAL = Duration.ofSeconds(5);
    private final GcpCalls calls;
    private final String remedy;

    /** @param remedy what a timeout tells the operator: which flag gives the wait more time */
    WaitOperation(GcpCalls calls, String remedy) {
        this.calls = calls;
        this.remedy = remedy;
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

    /** The first look is the operation as the insert or delete returned it; a request follows each pause. */
    private Operation until(Operation first, Supplier<Operation> poll, String action, Duration timeout)
            throws InterruptedException {
        Operation[] last = {null};
        boolean[] looking = {false};
        Operation done;
        try {
            done = calls.poll(INTERVAL, timeout, remedy).until(action, () -> {
                looking[0] = true;
                Operation op = last[0] == null ? first : calls.call("check operation " + first.getName(), poll::get);
                looking[0] = false;
                last[0] = op;
                if (op.getStatus() == Operation.Status.DONE) {
                    return Optional.of(op);
                }
                calls.events().items(action, op.getProgress(), 100);
                return Optional.empty();
            });
        } catch (KilnException e) {
            if (looking[0]) {
                throw e;
            }
            throw KilnException.tried(action, "operation " + first.getName() + " was still " + last[0].getStatus()
                    + " after " + timeout.toString().substring(2).toLowerCase(), remedy);
        }
        if (done.hasError() && done.getError().getErrorsCount() > 0 || done.hasHttpErrorStatusCode()
                && done.getHttpErrorStatusCode() >= 400) {
            throw GcpErrors.operationFailed(action, done);
        }
        calls.events().items(action, 100, 100);
        return done;
    }
}
