package dev.kiln.azure;

import com.azure.resourcemanager.compute.fluent.models.GalleryImageVersionInner;
import com.azure.resourcemanager.compute.fluent.models.ImageInner;
import com.azure.resourcemanager.compute.fluent.models.VirtualMachineInner;
import com.azure.resourcemanager.compute.models.DataDisk;
import com.azure.resourcemanager.compute.models.NetworkInterfaceReference;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.api.Retry;
import dev.kiln.spi.Made;
import dev.kiln.spi.Removal;
import dev.kiln.spi.Resource;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code kiln ls azure} and {@code kiln rm azure} in one resource group: images are the gallery image versions (of
 * every gallery and definition in the group) and managed images tagged {@code kiln:digest}; the uploaded disk went
 * when the image was made, so they have no parts. Instances are the VMs tagged {@code kiln:run}, with their NICs and
 * disks (deleteOption=Delete: the VM's delete takes them, so they are gone by the time they are asked) and the public
 * IP, virtual network and security group tagged with the same run, which are deleted one by one after it. Every
 * delete is ARM's long-running DELETE; a 404 counts as gone.
 */
final class AzureInventory {

    private static final Pattern IMAGE_ID = Pattern.compile(
            "/subscriptions/[^/]+/resourceGroups/([^/]+)/providers/Microsoft\\.Compute/images/([^/]+)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern VERSION_ID = Pattern.compile("/subscriptions/[^/]+/resourceGroups/([^/]+)/providers/"
            + "Microsoft\\.Compute/galleries/([^/]+)/images/([^/]+)/versions/([^/]+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern VM_ID = Pattern.compile(
            "/subscriptions/[^/]+/resourceGroups/([^/]+)/providers/Microsoft\\.Compute/virtualMachines/([^/]+)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern PART_ID = Pattern.compile("/subscriptions/[^/]+/resourceGroups/([^/]+)/providers/"
            + "Microsoft\\.(?:Compute|Network)/([^/]+)/([^/]+)", Pattern.CASE_INSENSITIVE);
    /** The time a managed image's name carries: NAME-yyyyMMddHHmmss-RAND. */
    private static final Pattern IMAGE_TIME = Pattern.compile("-(\\d{14})-[0-9a-f]{4}$");

    private final AzureConnection azure;
    private final Retry calls;
    private final Events events;

    AzureInventory(AzureConnection azure, Retry calls, Events events) {
        this.azure = azure;
        this.calls = calls;
        this.events = events;
    }

    List<Made> list(Made.Kind kind) throws InterruptedException {
        List<Made> all = kind == Made.Kind.IMAGE ? images() : instances();
        return all.stream().sorted(Made.newestFirst()).toList();
    }

    /** A resource id as it is (without kiln's tags it comes back byKiln false); else what kiln named so. */
    List<Made> find(String idOrName) throws InterruptedException {
        if (idOrName.startsWith("/subscriptions/")) {
            return byId(idOrName).map(List::of).orElse(List.of());
        }
        List<Made> found = new ArrayList<>();
        for (Made m : images()) {
            if (m.name().equals(idOrName)) {
                found.add(m);
            }
        }
        for (Made m : instances()) {
            if (m.name().equals(idOrName) || m.id().endsWith("/" + idOrName)) {
                found.add(m);
            }
        }
        return found;
    }

    private Optional<Made> byId(String id) throws InterruptedException {
        try {
            Matcher m;
            if ((m = IMAGE_ID.matcher(id)).matches()) {
                String group = m.group(1);
                String name = m.group(2);
                return Optional.of(image(calls.call("get image " + name,
                        () -> azure.compute().getImages().getByResourceGroup(group, name))));
            }
            if ((m = VERSION_ID.matcher(id)).matches()) {
                String group = m.group(1);
                String gallery = m.group(2);
                String definition = m.group(3);
                String version = m.group(4);
                return Optional.of(version(calls.call("get version " + version + " of " + definition,
                        () -> azure.compute().getGalleryImageVersions().get(group, gallery, definition, version))));
            }
            if ((m = VM_ID.matcher(id)).matches()) {
                String group = m.group(1);
                String name = m.group(2);
                VirtualMachineInner vm = calls.call("get VM " + name,
                        () -> azure.compute().getVirtualMachines().getByResourceGroup(group, name));
                return Optional.of(vm(vm, tagged(vm.tags(), VmPlan.RUN_TAG) ? runParts() : List.of()));
            }
        } catch (RuntimeException e) {
            if (AzureErrors.notFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
        return Optional.empty();
    }

    private List<Made> images() throws InterruptedException {
        String group = azure.resourceGroup();
        List<Made> out = new ArrayList<>();
        calls.call("list images in " + group,
                () -> azure.compute().getImages().listByResourceGroup(group).stream().toList()).stream()
                .filter(i -> tagged(i.tags(), AzurePush.DIGEST_TAG)).map(AzureInventory::image).forEach(out::add);
        List<String> galleries = calls.call("list galleries in " + group, () -> azure.compute().getGalleries()
                .listByResourceGroup(group).stream().map(g -> g.name()).toList());
        for (String gallery : galleries) {
            List<String> definitions = calls.call("list image definitions of " + gallery, () -> azure.compute()
                    .getGalleryImages().listByGallery(group, gallery).stream().map(d -> d.name()).toList());
            for (String definition : definitions) {
                calls.call("list versions of " + gallery + "/" + definition, () -> azure.compute()
                        .getGalleryImageVersions().listByGalleryImage(group, gallery, definition).stream().toList())
                        .stream().filter(v -> tagged(v.tags(), AzurePush.DIGEST_TAG)).map(AzureInventory::version)
                        .forEach(out::add);
            }
        }
        return out;
    }

    private static Made image(ImageInner i) {
        Map<String, String> tags = tags(i.tags());
        Made.Builder b = Made.builder(Made.Kind.IMAGE, i.id()).name(tags.get(AzurePush.NAME_TAG))
                .location(i.location()).digest(tags.get(AzurePush.DIGEST_TAG))
                .byKiln(tags.containsKey(AzurePush.DIGEST_TAG)).tags(tags);
        Matcher time = IMAGE_TIME.matcher(i.name() == null ? "" : i.name());
        if (time.find()) {
            b.created(LocalDateTime.parse(time.group(1), DateTimeFormatter.ofPattern("yyyyMMddHHmmss"))
                    .toInstant(ZoneOffset.UTC));
        }
        return b.build();
    }

    private static Made version(GalleryImageVersionInner v) {
        Map<String, String> tags = tags(v.tags());
        Made.Builder b = Made.builder(Made.Kind.IMAGE, v.id()).name(tags.get(AzurePush.NAME_TAG))
                .location(v.location()).digest(tags.get(AzurePush.DIGEST_TAG))
                .byKiln(tags.containsKey(AzurePush.DIGEST_TAG)).tags(tags);
        if (v.publishingProfile() != null && v.publishingProfile().publishedDate() != null) {
            b.created(v.publishingProfile().publishedDate().toInstant());
        }
        return b.build();
    }

    private List<Made> instances() throws InterruptedException {
        String group = azure.resourceGroup();
        List<VirtualMachineInner> vms = calls.call("list VMs in " + group, () -> azure.compute()
                .getVirtualMachines().listByResourceGroup(group).stream()
                .filter(vm -> tagged(vm.tags(), VmPlan.RUN_TAG)).toList());
        if (vms.isEmpty()) {
            return List.of();
        }
        List<Tagged> network = runParts();
        List<Made> out = new ArrayList<>();
        for (VirtualMachineInner vm : vms) {
            out.add(vm(vm, network));
        }
        return out;
    }

    /** A public IP, virtual network or security group a run made, by the run (VM) its kiln:run tag names. */
    private record Tagged(String run, Resource resource) {
    }

    /** What runs made beside their VMs, in the order it is deleted: public IPs, virtual networks, security groups. */
    private List<Tagged> runParts() throws InterruptedException {
        String group = azure.resourceGroup();
        List<Tagged> out = new ArrayList<>();
        calls.call("list public IPs in " + group, () -> azure.network().getPublicIpAddresses()
                .listByResourceGroup(group).stream().toList()).stream().filter(r -> tagged(r.tags(), VmPlan.RUN_TAG))
                .forEach(r -> out.add(new Tagged(r.tags().get(VmPlan.RUN_TAG),
                        Resource.of("public-ip", r.id(), r.location()))));
        calls.call("list virtual networks in " + group, () -> azure.network().getVirtualNetworks()
                .listByResourceGroup(group).stream().toList()).stream().filter(r -> tagged(r.tags(), VmPlan.RUN_TAG))
                .forEach(r -> out.add(new Tagged(r.tags().get(VmPlan.RUN_TAG),
                        Resource.of("virtual-network", r.id(), r.location()))));
        calls.call("list network security groups in " + group, () -> azure.network().getNetworkSecurityGroups()
                .listByResourceGroup(group).stream().toList()).stream().filter(r -> tagged(r.tags(), VmPlan.RUN_TAG))
                .forEach(r -> out.add(new Tagged(r.tags().get(VmPlan.RUN_TAG),
                        Resource.of("network-security-group", r.id(), r.location()))));
        return out;
    }

    /** The VM with its NICs and disks (which its delete takes along), then what else its run made. */
    private Made vm(VirtualMachineInner vm, List<Tagged> network) {
        Map<String, String> tags = tags(vm.tags());
        String location = vm.location();
        Made.Builder b = Made.builder(Made.Kind.INSTANCE, vm.id()).name(tags.getOrDefault(AzurePush.NAME_TAG, vm.name()))
                .location(location).state(vm.provisioningState() == null ? ""
                        : vm.provisioningState().toLowerCase(Locale.ROOT))
                .byKiln(tags.containsKey(VmPlan.RUN_TAG)).tags(tags);
        Optional.ofNullable(vm.timeCreated()).map(OffsetDateTime::toInstant).ifPresent(b::created);
        if (vm.networkProfile() != null && vm.networkProfile().networkInterfaces() != null) {
            for (NetworkInterfaceReference nic : vm.networkProfile().networkInterfaces()) {
                b.part(Resource.of("network-interface", nic.id(), location));
            }
        }
        if (vm.storageProfile() != null) {
            if (vm.storageProfile().osDisk() != null) {
                diskId(vm.storageProfile().osDisk().managedDisk() == null ? null
                        : vm.storageProfile().osDisk().managedDisk().id(), vm.storageProfile().osDisk().name())
                        .ifPresent(id -> b.part(Resource.of("disk", id, location)));
            }
            if (vm.storageProfile().dataDisks() != null) {
                for (DataDisk d : vm.storageProfile().dataDisks()) {
                    diskId(d.managedDisk() == null ? null : d.managedDisk().id(), d.name())
                            .ifPresent(id -> b.part(Resource.of("disk", id, location)));
                }
            }
        }
        String run = tags.get(VmPlan.RUN_TAG);
        network.stream().filter(t -> run != null && run.equals(t.run())).forEach(t -> b.part(t.resource()));
        return b.build();
    }

    private Optional<String> diskId(String id, String name) {
        return id != null ? Optional.of(id) : Optional.ofNullable(name).map(azure::diskId);
    }

    /** Removes {@code made}, then its parts; a 404 anywhere counts as gone (Removal's own rule). */
    List<Resource> remove(Made made) throws InterruptedException {
        return Removal.inOrder(made, new Removal() {
            @Override
            public void delete(Resource resource) throws InterruptedException {
                AzureInventory.this.delete(resource);
            }

            @Override
            public String command(Resource resource) {
                return "az resource delete --ids " + resource.id();
            }

            @Override
            public boolean gone(RuntimeException failure) {
                return AzureErrors.notFound(failure);
            }

            @Override
            public KilnException failed(Resource resource, RuntimeException failure) {
                return KilnException.tried("remove " + resource, AzureErrors.reason(failure), "", failure);
            }
        }, events);
    }

    private void delete(Resource r) throws InterruptedException {
        String id = r.id();
        Matcher m;
        if ((m = VERSION_ID.matcher(id)).matches()) {
            String group = m.group(1);
            String gallery = m.group(2);
            String definition = m.group(3);
            String version = m.group(4);
            calls.call("delete version " + version + " of " + gallery + "/" + definition, () -> {
                azure.compute().getGalleryImageVersions().delete(group, gallery, definition, version);
                return null;
            });
            return;
        }
        if (!(m = PART_ID.matcher(id)).matches()) {
            throw new IllegalArgumentException("azure does not remove " + id);
        }
        String group = m.group(1);
        String type = m.group(2).toLowerCase(Locale.ROOT);
        String name = m.group(3);
        Runnable call = switch (type) {
            case "images" -> () -> azure.compute().getImages().delete(group, name);
            case "virtualmachines" -> () -> azure.compute().getVirtualMachines().delete(group, name);
            case "disks" -> () -> azure.compute().getDisks().delete(group, name);
            case "networkinterfaces" -> () -> azure.network().getNetworkInterfaces().delete(group, name);
            case "publicipaddresses" -> () -> azure.network().getPublicIpAddresses().delete(group, name);
            case "virtualnetworks" -> () -> azure.network().getVirtualNetworks().delete(group, name);
            case "networksecuritygroups" -> () -> azure.network().getNetworkSecurityGroups().delete(group, name);
            default -> throw new IllegalArgumentException("azure does not remove " + id);
        };
        calls.call("delete " + r.type() + " " + name, () -> {
            call.run();
            return null;
        });
    }

    private static boolean tagged(Map<String, String> tags, String key) {
        return tags != null && tags.containsKey(key);
    }

    private static Map<String, String> tags(Map<String, String> tags) {
        return tags == null ? Map.of() : new LinkedHashMap<>(tags);
    }
}
