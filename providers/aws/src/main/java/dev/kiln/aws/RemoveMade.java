package dev.kiln.aws;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.api.Poll;
import dev.kiln.spi.Made;
import dev.kiln.spi.Removal;
import dev.kiln.spi.Resource;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;

import java.util.List;
import java.util.Optional;

/**
 * {@code kiln rm aws}: an image is deregistered, then its snapshots deleted (a snapshot an AMI still uses cannot
 * be deleted); an instance is terminated, waited for until terminated, then the volumes and network interfaces
 * kiln made for it are deleted. EC2's "already gone" answers (InvalidAMIID.NotFound or .Unavailable,
 * InvalidInstanceID.NotFound, InvalidSnapshot.NotFound, InvalidVolume.NotFound ...) count as removed.
 */
final class RemoveMade implements Removal {

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
        return Removal.inOrder(made, this, events);
    }

    @Override
    public boolean gone(RuntimeException failure) {
        return failure instanceof AwsServiceException && AwsErrors.gone(failure);
    }

    @Override
    public KilnException failed(Resource resource, RuntimeException failure) {
        return AwsErrors.map("remove " + resource, failure);
    }

    @Override
    public void delete(Resource resource) throws InterruptedException {
        switch (resource.type()) {
            case "image" -> ec2.deregisterImage(b -> b.imageId(resource.id()));
            case "instance" -> {
                try {
                    ec2.terminateInstances(b -> b.instanceIds(resource.id()));
                } catch (AwsServiceException e) {
                    if (!AwsErrors.gone(e)) {
                        throw e;
                    }
                }
                terminated(resource.id());
            }
            case "snapshot" -> ec2.deleteSnapshot(b -> b.snapshotId(resource.id()));
            case "volume" -> ec2.deleteVolume(b -> b.volumeId(resource.id()));
            case "network-interface" -> ec2.deleteNetworkInterface(b -> b.networkInterfaceId(resource.id()));
            default -> throw new IllegalArgumentException("aws does not remove a " + resource.type());
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

    @Override
    public String command(Resource r) {
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
}
