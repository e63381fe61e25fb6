package dev.kiln.aws;

import dev.kiln.api.KilnException;
import dev.kiln.api.Poll;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** EC2 {@code DescribeInstances} for one instance: waits for states, and its addresses. */
final class InstanceState {

    private final Ec2Client ec2;
    private final Poll poller;

    InstanceState(Ec2Client ec2, Poll poller) {
        this.ec2 = ec2;
        this.poller = poller;
    }

    Instance running(String id) throws InterruptedException {
        return poller.until("instance " + id + " to run", () -> {
            Optional<Instance> i = describe(id);
            if (i.isPresent() && Set.of(InstanceStateName.SHUTTING_DOWN, InstanceStateName.TERMINATED)
                    .contains(i.get().state().name())) {
                String why = i.get().stateReason() == null ? "" : ": " + i.get().stateReason().message();
                throw KilnException.tried("start instance " + id, "it went to " + i.get().state().nameAsString() + why,
                        "check the image, the instance type and the console (--wait stopped)");
            }
            return i.filter(x -> x.state().name() == InstanceStateName.RUNNING);
        });
    }

    /** Waits until the guest has powered itself off (stopped) or is gone. */
    Instance stopped(String id) throws InterruptedException {
        return poller.until("instance " + id + " to stop", () -> describe(id).filter(i -> Set.of(
                InstanceStateName.STOPPED, InstanceStateName.TERMINATED).contains(i.state().name())));
    }

    Instance terminated(String id) throws InterruptedException {
        return poller.until("instance " + id + " to terminate", () -> describe(id)
                .filter(i -> i.state().name() == InstanceStateName.TERMINATED));
    }

    Optional<Instance> describe(String id) {
        try {
            return ec2.describeInstances(b -> b.instanceIds(id)).reservations().stream()
                    .flatMap(r -> r.instances().stream()).findFirst();
        } catch (AwsServiceException e) {
            if (AwsErrors.notFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    static Map<String, String> addresses(Instance i) {
        Map<String, String> out = new LinkedHashMap<>();
        put(out, "public_ipv4", i.publicIpAddress());
        put(out, "private_ipv4", i.privateIpAddress());
        put(out, "public_dns", i.publicDnsName());
        return out;
    }

    private static void put(Map<String, String> out, String key, String value) {
        if (value != null && !value.isEmpty()) {
            out.put(key, value);
        }
    }
}
