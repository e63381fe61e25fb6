package dev.kiln.aws;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.api.Poll;
import dev.kiln.spi.Made;
import dev.kiln.spi.Resource;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code kiln rm aws}: an image is deregistered, then its snapshots deleted (a snapshot an AMI still uses cannot
 * be deleted); an instance is terminated, waited for until terminated, then the volumes and network interfaces
 * kiln made for it are deleted. EC2's "already gone" answers (InvalidAMIID.NotFound or .Unavailable,
 * InvalidInstanceID.NotFound, InvalidSnapshot.NotFound, InvalidVolume.NotFound ...) count as removed.
 */
final class RemoveMade {

    private final Ec2Client ec2;
    private final String region;
    private final Poll poll;
    private final Events events;

    RemoveMade(Ec2Client ec2, String region, Poll poll, Events events) {
        this.ec2 = ec2;
        this.region = region;
        this.poll = poll;
        this.events = events;
    }

    List<Resource> remove(Made made) throws InterruptedException {
        List<Resource> removed = new ArrayList<>();
        Resource current = made.resource();
        try {
            if (made.kind() == Made.Kind.IMAGE) {
                gone(() -> ec2.deregisterImage(b -> b.imageId(made.id())));
            } else {
                gone(() -> ec2.terminateInstances(b -> b.instanceIds(made.id())));
                terminated(made.id());
            }
            removed.add(current);
            events.info("removed " + current);
            for (Resource part : made.parts()) {
                current = part;
                gone(() -> delete(part));
                removed.add(part);
                events.info("removed " + part);
            }
            return removed;
        } catch (RuntimeException e) {
            throw failed(made, current, removed, e);
        }
    }

    private void delete(Resource part) {
        switch (part.type()) {
            case "snapshot" -> ec2.deleteSnapshot(b -> b.snapshotId(part.id()));
            case "volume" -> ec2.deleteVolume(b -> b.volumeId(part.id()));
            case "network-interface" -> ec2.deleteNetworkInterface(b -> b.networkInterfaceId(part.id()));
            default -> throw new IllegalArgumentException("aws does not remove a " + part.type());
        }
    }

    /** Until EC2 says terminated, or no longer knows the instance; bounded by --wait-timeout. */
    private void terminated(String instanceId) throws InterruptedException {
        InstanceState state = new InstanceState(ec2, poll);
        poll.until("instance " + instanceId + " to terminate", () -> {
            Optional<software.amazon.awssdk.services.ec2.model.Instance> i = state.describe(instanceId);
            return i.isEmpty() || i.get().state().name() == InstanceStateName.TERMINATED ? Optional.of(true)
                    : Optional.<Boolean>empty();
        });
    }

    private static void gone(Runnable call) {
        try {
            call.run();
        } catch (AwsServiceException e) {
            if (!AwsErrors.gone(e)) {
                throw e;
            }
        }
    }

    private KilnException failed(Made made, Resource at, List<Resource> removed, RuntimeException e) {
        List<Resource> left = new ArrayList<>();
        if (!removed.contains(made.resource())) {
            left.add(made.resource());
        }
        made.parts().stream().filter(p -> !removed.contains(p)).forEach(left::add);
        String message = AwsErrors.map("remove " + at, e).getMessage()
                + (removed.isEmpty() ? ". Nothing was removed" : ". Removed: " + join(removed))
                + "; left: " + String.join(", ", left.stream().map(r -> r + " (" + command(r) + ")").toList());
        return new KilnException(message, e);
    }

    private String command(Resource r) {
        String aws = "aws ec2 --region " + region + " ";
        return switch (r.type()) {
            case "image" -> aws + "deregister-image --image-id " + r.id();
            case "instance" -> aws + "terminate-instances --instance-ids " + r.id();
            case "snapshot" -> aws + "delete-snapshot --snapshot-id " + r.id();
            case "volume" -> aws + "delete-volume --volume-id " + r.id();
            case "network-interface" -> aws + "delete-network-interface --network-interface-id " + r.id();
            default -> "kiln rm aws " + r.id();
        };
    }

    private static String join(List<Resource> resources) {
        return String.join(", ", resources.stream().map(Resource::toString).toList());
    }
}
