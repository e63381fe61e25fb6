package dev.kiln.gcp;

import com.google.cloud.compute.v1.AggregatedListDisksRequest;
import com.google.cloud.compute.v1.AggregatedListInstancesRequest;
import com.google.cloud.compute.v1.AttachedDisk;
import com.google.cloud.compute.v1.GetInstanceRequest;
import com.google.cloud.compute.v1.Instance;
import dev.kiln.spi.Made;
import dev.kiln.spi.Resource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The instances {@code run gcp} started, in every zone of the project: instances.aggregatedList filtered by kiln's
 * kiln-image label (cloud.google.com/compute/docs/reference/rest/v1/instances/aggregatedList), each with the
 * attached disks that carry kiln's labels too (disks.aggregatedList) as its parts.
 */
final class KilnInstances {

    private final GcpClients clients;
    private final GcpCalls calls;
    private final String project;

    KilnInstances(GcpClients clients, GcpCalls calls, String project) {
        this.clients = clients;
        this.calls = calls;
        this.project = project;
    }

    /** Every instance kiln started in the project, newest first. */
    List<Made> all() throws InterruptedException {
        return made(list("labels." + GcpNames.IMAGE_LABEL + ":*"));
    }

    /** The instances labelled kiln-name = {@code name}. */
    List<Made> named(String name) throws InterruptedException {
        return made(list("labels." + GcpNames.NAME_LABEL + " = \"" + name + "\""));
    }

    /** The instance {@code projects/P/zones/Z/instances/N}, kiln's or not. */
    Optional<Made> byId(String zone, String name) throws InterruptedException {
        GetInstanceRequest request = GetInstanceRequest.newBuilder().setProject(project).setZone(zone)
                .setInstance(name).build();
        Optional<Instance> found = calls.find("look up instance " + name + " in " + zone,
                () -> clients.instances().getCallable().call(request));
        return found.isEmpty() ? Optional.empty() : Optional.of(made(List.of(found.get())).get(0));
    }

    private List<Instance> list(String filter) throws InterruptedException {
        List<Instance> found = new ArrayList<>();
        String page = "";
        do {
            AggregatedListInstancesRequest request = AggregatedListInstancesRequest.newBuilder().setProject(project)
                    .setFilter(filter).setPageToken(page).build();
            var list = calls.call("list instances (" + filter + ") in project " + project,
                    () -> clients.instances().aggregatedListCallable().call(request));
            list.getItemsMap().values().forEach(zone -> found.addAll(zone.getInstancesList()));
            page = list.getNextPageToken();
        } while (!page.isEmpty());
        return found;
    }

    private List<Made> made(List<Instance> instances) throws InterruptedException {
        if (instances.isEmpty()) {
            return List.of();
        }
        Set<String> kilnDisks = kilnDisks();
        List<Made> made = new ArrayList<>();
        for (Instance i : instances) {
            String zone = last(i.getZone());
            Made.Builder b = Made.builder(Made.Kind.INSTANCE, "projects/" + project + "/zones/" + zone + "/instances/"
                            + i.getName())
                    .name(i.getLabelsMap().getOrDefault(GcpNames.NAME_LABEL, i.getName())).location(zone)
                    .created(KilnImages.instant(i.getCreationTimestamp()))
                    .state(i.getStatus().toLowerCase(java.util.Locale.ROOT))
                    .byKiln(i.getLabelsMap().containsKey(GcpNames.IMAGE_LABEL)).tags(new TreeMap<>(i.getLabelsMap()));
            for (AttachedDisk d : i.getDisksList()) {
                String disk = last(d.getSource());
                if (kilnDisks.contains(zone + "/" + disk)) {
                    b.part(Resource.of("disk", disk, zone));
                }
            }
            made.add(b.build());
        }
        made.sort(Made.newestFirst());
        return made;
    }

    /** zone/name of every disk with kiln's kiln-image label. */
    private Set<String> kilnDisks() throws InterruptedException {
        Set<String> found = new HashSet<>();
        String filter = "labels." + GcpNames.IMAGE_LABEL + ":*";
        String page = "";
        do {
            AggregatedListDisksRequest request = AggregatedListDisksRequest.newBuilder().setProject(project)
                    .setFilter(filter).setPageToken(page).build();
            var list = calls.call("list disks (" + filter + ") in project " + project,
                    () -> clients.disks().aggregatedListCallable().call(request));
            list.getItemsMap().values().forEach(zone -> zone.getDisksList()
                    .forEach(d -> found.add(last(d.getZone()) + "/" + d.getName())));
            page = list.getNextPageToken();
        } while (!page.isEmpty());
        return found;
    }

    static String last(String url) {
        return url.substring(url.lastIndexOf('/') + 1);
    }
}
