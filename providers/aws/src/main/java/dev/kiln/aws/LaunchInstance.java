package dev.kiln.aws;

import dev.kiln.api.Version;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.HttpTokensState;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.InstanceMetadataEndpointState;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * EC2 {@code RunInstances}: one instance of the image with the network, key, role, placement,
 * IMDS options, tags and userdata asked for (base64 on the wire), and the {@code --disk}
 * volumes created with it and deleted with it. The instance, its volumes and its network interface carry
 * kiln:name, kiln:image and kiln:version, by which {@code kiln ls} and {@code kiln rm} find them
 * (docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html).
 */
final class LaunchInstance {

    private final Ec2Client ec2;

    LaunchInstance(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    /** @return the instance id */
    String launch(Image image, String name, RunSettings s, boolean dryRun) {
        return ec2.runInstances(request(image, name, s, dryRun)).instances().get(0).instanceId();
    }

    static RunInstancesRequest request(Image image, String name, RunSettings s, boolean dryRun) {
        Map<String, String> tags = new LinkedHashMap<>(s.tags());
        tags.putIfAbsent("Name", name);
        tags.put(Tags.NAME, name);
        tags.put(Tags.IMAGE, image.imageId());
        tags.put(Tags.VERSION, Version.get());
        RunInstancesRequest.Builder b = RunInstancesRequest.builder()
                .imageId(image.imageId()).instanceType(s.instanceType()).minCount(1).maxCount(1)
                .clientToken(UUID.randomUUID().toString()).dryRun(dryRun)
                .metadataOptions(m -> m.httpEndpoint(InstanceMetadataEndpointState.ENABLED)
                        .httpTokens(HttpTokensState.fromValue(s.imdsTokens())).httpPutResponseHopLimit(s.hopLimit()))
                .tagSpecifications(t -> t.resourceType(ResourceType.INSTANCE).tags(Tags.ec2(tags)),
                        t -> t.resourceType(ResourceType.VOLUME).tags(Tags.ec2(tags)),
                        t -> t.resourceType(ResourceType.NETWORK_INTERFACE).tags(Tags.ec2(tags)));
        s.subnet().ifPresent(b::subnetId);
        if (!s.securityGroups().isEmpty()) {
            b.securityGroupIds(s.securityGroups());
        }
        s.keyName().ifPresent(b::keyName);
        s.instanceProfile().ifPresent(p -> b.iamInstanceProfile(i -> {
            if (p.startsWith("arn:")) {
                i.arn(p);
            } else {
                i.name(p);
            }
        }));
        s.placement().ifPresent(z -> b.placement(p -> p.availabilityZone(z)));
        s.userdata().ifPresent(u -> b.userData(Base64.getEncoder().encodeToString(u)));
        if (!s.disks().isEmpty()) {
            b.blockDeviceMappings(volumes(s.disks()));
        }
        return b.build();
    }

    private static List<BlockDeviceMapping> volumes(List<RunSettings.Volume> disks) {
        return disks.stream().map(d -> BlockDeviceMapping.builder().deviceName(d.device())
                .ebs(e -> {
                    e.volumeSize(d.sizeGiB()).volumeType(d.type()).deleteOnTermination(true);
                    d.iops().ifPresent(e::iops);
                }).build()).toList();
    }
}
