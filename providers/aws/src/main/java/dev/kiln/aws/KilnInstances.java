package dev.kiln.aws;

import dev.kiln.spi.Made;
import dev.kiln.spi.Resource;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The instances {@code run aws} started, as {@code kiln ls aws instances} and {@code kiln rm aws} see them:
 * EC2 {@code DescribeInstances} by kiln's {@code kiln:name} tag (terminated ones left out), each with the volumes
 * and network interfaces {@code RunInstances} made and tagged for it as its parts ({@code DescribeVolumes},
 * {@code DescribeNetworkInterfaces} by the same tag). kiln allocates no Elastic IPs: a public address is the
 * instance's own and goes with it.
 */
final class KilnInstances {

    /** Every state but terminated (docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceState.html). */
    static final String[] LIVE = {"pending", "running", "shutting-down", "stopping", "stopped"};
    /** Values one EC2 filter takes (docs.aws.amazon.com/AWSEC2/latest/APIReference/Using_Filtering.html). */
    static final int PER_FILTER = 200;

    private final Ec2Client ec2;
    private final String region;

    KilnInstances(Ec2Client ec2, String region) {
        this.ec2 = ec2;
        this.region = region;
    }

    /** Every instance kiln started here that is not terminated, newest first. */
    List<Made> all() {
        return made(describe(b -> b.filters(KilnImages.filter("tag-key", Tags.NAME),
                KilnImages.filter("instance-state-name", LIVE))));
    }

    /** The instances kiln named {@code name}. */
    List<Made> named(String name) {
        return made(describe(b -> b.filters(KilnImages.filter("tag:" + Tags.NAME, name),
                KilnImages.filter("instance-state-name", LIVE))));
    }

    /** The instance with this id, kiln's or not; empty when it is terminated or EC2 no longer knows it. */
    List<Made> byId(String instanceId) {
        try {
            return made(describe(b -> b.instanceIds(instanceId)).stream()
                    .filter(i -> !"terminated".equals(i.state().nameAsString())).toList());
        } catch (AwsServiceException e) {
            if (AwsErrors.notFound(e)) {
                return List.of();
            }
            throw e;
        }
    }

    private List<Instance> describe(java.util.function.Consumer<DescribeInstancesRequest.Builder> request) {
        return ec2.describeInstancesPaginator(request).reservations().stream()
                .flatMap(r -> r.instances().stream()).toList();
    }

    private List<Made> made(List<Instance> instances) {
        if (instances.isEmpty()) {
            return List.of();
        }
        Map<String, List<Resource>> parts = parts(instances.stream().map(Instance::instanceId).toList());
        return instances.stream().map(i -> made(i, parts.getOrDefault(i.instanceId(), List.of())))
                .sorted(Made.newestFirst()).toList();
    }

    private Made made(Instance instance, List<Resource> parts) {
        Map<String, String> tags = new TreeMap<>();
        instance.tags().forEach(t -> tags.put(t.key(), t.value()));
        Made.Builder made = Made.builder(Made.Kind.INSTANCE, instance.instanceId())
                .name(tags.getOrDefault(Tags.NAME, tags.getOrDefault("Name", ""))).location(region)
                .created(instance.launchTime()).state(instance.state() == null ? "" : instance.state().nameAsString())
                .byKiln(tags.containsKey(Tags.NAME)).tags(tags);
        parts.forEach(made::part);
        return made.build();
    }

    /**
     * The kiln-tagged volumes, then network interfaces, attached to each of these instances; EC2 takes at most
     * {@link #PER_FILTER} values in one filter, so many instances are asked about in groups.
     */
    private Map<String, List<Resource>> parts(List<String> instanceIds) {
        Map<String, List<Resource>> volumes = new LinkedHashMap<>();
        Map<String, List<Resource>> interfaces = new LinkedHashMap<>();
        Filter kiln = KilnImages.filter("tag-key", Tags.NAME);
        for (int from = 0; from < instanceIds.size(); from += PER_FILTER) {
            Filter attached = KilnImages.filter("attachment.instance-id", instanceIds
                    .subList(from, Math.min(instanceIds.size(), from + PER_FILTER)).toArray(String[]::new));
            ec2.describeVolumesPaginator(b -> b.filters(kiln, attached)).volumes().forEach(v -> v.attachments()
                    .forEach(a -> volumes.computeIfAbsent(a.instanceId(), k -> new ArrayList<>())
                            .add(Resource.of("volume", v.volumeId(), region))));
            ec2.describeNetworkInterfacesPaginator(b -> b.filters(kiln, attached)).networkInterfaces().stream()
                    .filter(n -> n.attachment() != null && n.attachment().instanceId() != null)
                    .forEach(n -> interfaces.computeIfAbsent(n.attachment().instanceId(), k -> new ArrayList<>())
                            .add(Resource.of("network-interface", n.networkInterfaceId(), region)));
        }
        interfaces.forEach((id, list) -> volumes.computeIfAbsent(id, k -> new ArrayList<>()).addAll(list));
        return volumes;
    }
}
