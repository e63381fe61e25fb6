package dev.kiln.aws;

import com.github.tomakehurst.wiremock.http.ResponseDefinition;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@link Ec2World}'s instances (docs.aws.amazon.com/AWSEC2/latest/APIReference): RunInstances makes an instance, a
 * root volume, one volume per block device mapping and a network interface, each tagged as its TagSpecification
 * says; DescribeInstances, DescribeVolumes and DescribeNetworkInterfaces answer by id and filters; TerminateInstances
 * answers shutting-down, the next describe says terminated, and what was DeleteOnTermination is gone then, while the
 * rest is detached; DeleteVolume and DeleteNetworkInterface refuse what is attached and answer NotFound for what is
 * gone. Called with the world's lock held.
 */
final class Ec2Instances {

    static final class Instance {
        final String id;
        final String imageId;
        final Map<String, String> tags;
        final String launchTime;
        String state = "running";

        Instance(String id, String imageId, Map<String, String> tags, String launchTime) {
            this.id = id;
            this.imageId = imageId;
            this.tags = tags;
            this.launchTime = launchTime;
        }
    }

    /** A volume or a network interface: what it is attached to, and whether it goes with that instance. */
    static final class Part {
        final String id;
        final Map<String, String> tags;
        String instanceId;
        final boolean deleteOnTermination;

        Part(String id, Map<String, String> tags, String instanceId, boolean deleteOnTermination) {
            this.id = id;
            this.tags = tags;
            this.instanceId = instanceId;
            this.deleteOnTermination = deleteOnTermination;
        }
    }

    final Map<String, Instance> instances = new LinkedHashMap<>();
    final Map<String, Part> volumes = new LinkedHashMap<>();
    final Map<String, Part> interfaces = new LinkedHashMap<>();
    private final Object lock;
    private final Set<String> terminating = new TreeSet<>();
    private int counter;

    Ec2Instances(Object lock) {
        this.lock = lock;
    }

    /** An instance made outside kiln's run (say, by the user), with a root volume that goes with it. */
    String instance(Map<String, String> tags) {
        synchronized (lock) {
            Instance i = new Instance(id("i"), "ami-0abcdef1234567890", new TreeMap<>(tags), launchTime());
            instances.put(i.id, i);
            volume(i.id, Map.copyOf(tags), true);
            return i.id;
        }
    }

    /** A volume attached to {@code instanceId} with these tags. */
    String volume(String instanceId, Map<String, String> tags, boolean deleteOnTermination) {
        synchronized (lock) {
            Part v = new Part(id("vol"), new TreeMap<>(tags), instanceId, deleteOnTermination);
            volumes.put(v.id, v);
            return v.id;
        }
    }

    Set<String> resources() {
        Set<String> out = new TreeSet<>();
        instances.values().stream().filter(i -> !i.state.equals("terminated")).forEach(i -> out.add("instance " + i.id));
        volumes.keySet().forEach(v -> out.add("volume " + v));
        interfaces.keySet().forEach(n -> out.add("network-interface " + n));
        return out;
    }

    Optional<ResponseDefinition> answer(String action, Map<String, String> f) {
        return Optional.ofNullable(switch (action) {
            case "RunInstances" -> run(f);
            case "DescribeInstances" -> describe(f);
            case "TerminateInstances" -> terminate(f.get("InstanceId.1"));
            case "DescribeVolumes" -> Ec2World.ok(action, "<volumeSet>" + items(volumes, f, "volume") + "</volumeSet>");
            case "DescribeNetworkInterfaces" -> Ec2World.ok(action, "<networkInterfaceSet>"
                    + items(interfaces, f, "interface") + "</networkInterfaceSet>");
            case "DeleteVolume" -> delete(volumes, f.get("VolumeId"), action, "InvalidVolume.NotFound", "VolumeInUse");
            case "DeleteNetworkInterface" -> delete(interfaces, f.get("NetworkInterfaceId"), action,
                    "InvalidNetworkInterfaceID.NotFound", "InvalidNetworkInterface.InUse");
            default -> null;
        });
    }

    private ResponseDefinition run(Map<String, String> f) {
        Map<String, Map<String, String>> tags = new TreeMap<>();
        for (int n = 1; f.containsKey("TagSpecification." + n + ".ResourceType"); n++) {
            tags.put(f.get("TagSpecification." + n + ".ResourceType"), AwsStub.tags(f, "TagSpecification." + n + ".Tag."));
        }
        Instance i = new Instance(id("i"), f.get("ImageId"), new TreeMap<>(tags.getOrDefault("instance", Map.of())),
                launchTime());
        instances.put(i.id, i);
        Map<String, String> volumeTags = tags.getOrDefault("volume", Map.of());
        volume(i.id, volumeTags, true);
        for (int n = 1; f.containsKey("BlockDeviceMapping." + n + ".DeviceName"); n++) {
            volume(i.id, volumeTags, !"false".equals(f.get("BlockDeviceMapping." + n + ".Ebs.DeleteOnTermination")));
        }
        Part eni = new Part(id("eni"), new TreeMap<>(tags.getOrDefault("network-interface", Map.of())), i.id, true);
        interfaces.put(eni.id, eni);
        return Ec2World.ok("RunInstances", "<reservationId>r-" + i.id.substring(2) + "</reservationId><ownerId>"
                + AwsStub.ACCOUNT + "</ownerId><groupSet/><instancesSet>" + instanceXml(i, "pending")
                + "</instancesSet>");
    }

    private ResponseDefinition describe(Map<String, String> f) {
        List<String> ids = Ec2Filters.list(f, "InstanceId");
        for (String id : ids) {
            if (!instances.containsKey(id)) {
                return Ec2World.ec2Error(400, "InvalidInstanceID.NotFound", "The instance ID '" + id + "' does not exist");
            }
        }
        terminating.forEach(id -> instances.get(id).state = "terminated");
        terminating.clear();
        StringBuilder items = new StringBuilder();
        for (Instance i : instances.values()) {
            if ((ids.isEmpty() || ids.contains(i.id)) && Ec2Filters.match(f, i.tags, name -> switch (name) {
                case "instance-state-name" -> List.of(i.state);
                case "image-id" -> List.of(i.imageId);
                default -> null;
            })) {
                items.append("<item><reservationId>r-").append(i.id.substring(2)).append("</reservationId><ownerId>")
                        .append(AwsStub.ACCOUNT).append("</ownerId><instancesSet>").append(instanceXml(i, i.state))
                        .append("</instancesSet></item>");
            }
        }
        return Ec2World.ok("DescribeInstances", "<reservationSet>" + items + "</reservationSet>");
    }

    private ResponseDefinition terminate(String id) {
        Instance i = instances.get(id);
        if (i == null) {
            return Ec2World.ec2Error(400, "InvalidInstanceID.NotFound", "The instance ID '" + id + "' does not exist");
        }
        String before = i.state;
        if (!before.equals("terminated")) {
            i.state = "shutting-down";
            terminating.add(id);
            for (Map<String, Part> parts : List.of(volumes, interfaces)) {
                parts.values().removeIf(p -> id.equals(p.instanceId) && p.deleteOnTermination);
                parts.values().stream().filter(p -> id.equals(p.instanceId)).forEach(p -> p.instanceId = null);
            }
        }
        return Ec2World.ok("TerminateInstances", "<instancesSet><item><instanceId>" + id + "</instanceId><currentState>"
                + state(i.state) + "</currentState><previousState>" + state(before) + "</previousState></item>"
                + "</instancesSet>");
    }

    private String items(Map<String, Part> parts, Map<String, String> f, String kind) {
        List<String> ids = Ec2Filters.list(f, kind.equals("volume") ? "VolumeId" : "NetworkInterfaceId");
        StringBuilder items = new StringBuilder();
        for (Part p : parts.values()) {
            if ((ids.isEmpty() || ids.contains(p.id)) && Ec2Filters.match(f, p.tags, name -> name.equals(
                    "attachment.instance-id") ? (p.instanceId == null ? List.of() : List.of(p.instanceId)) : null)) {
                items.append(kind.equals("volume") ? volumeXml(p) : interfaceXml(p));
            }
        }
        return items.toString();
    }

    private ResponseDefinition delete(Map<String, Part> parts, String id, String action, String notFound, String inUse) {
        Part p = parts.get(id);
        if (p == null) {
            return Ec2World.ec2Error(400, notFound, "The resource '" + id + "' does not exist");
        }
        if (p.instanceId != null) {
            return Ec2World.ec2Error(400, inUse, id + " is attached to " + p.instanceId);
        }
        parts.remove(id);
        return Ec2World.ok(action, "<return>true</return>");
    }

    private static String instanceXml(Instance i, String state) {
        return "<item><instanceId>" + i.id + "</instanceId><imageId>" + i.imageId + "</imageId><instanceState>"
                + state(state) + "</instanceState><instanceType>t3.micro</instanceType><launchTime>" + i.launchTime
                + "</launchTime><placement><availabilityZone>eu-west-1a</availabilityZone></placement>"
                + (state.equals("running") ? "<privateIpAddress>10.0.0.12</privateIpAddress>" : "")
                + "<tagSet>" + tagXml(i.tags) + "</tagSet></item>";
    }

    private static String volumeXml(Part v) {
        String attachment = v.instanceId == null ? "" : "<item><volumeId>" + v.id + "</volumeId><instanceId>"
                + v.instanceId + "</instanceId><device>/dev/xvda</device><status>attached</status>"
                + "<deleteOnTermination>" + v.deleteOnTermination + "</deleteOnTermination></item>";
        return "<item><volumeId>" + v.id + "</volumeId><size>8</size><availabilityZone>eu-west-1a</availabilityZone>"
                + "<status>" + (v.instanceId == null ? "available" : "in-use") + "</status><attachmentSet>" + attachment
                + "</attachmentSet><tagSet>" + tagXml(v.tags) + "</tagSet><volumeType>gp3</volumeType></item>";
    }

    private static String interfaceXml(Part n) {
        String attachment = n.instanceId == null ? "" : "<attachment><attachmentId>eni-attach-" + n.id.substring(4)
                + "</attachmentId><instanceId>" + n.instanceId + "</instanceId><deviceIndex>0</deviceIndex><status>"
                + "attached</status><deleteOnTermination>" + n.deleteOnTermination + "</deleteOnTermination></attachment>";
        return "<item><networkInterfaceId>" + n.id + "</networkInterfaceId><subnetId>subnet-1a2b3c4d</subnetId>"
                + "<status>" + (n.instanceId == null ? "available" : "in-use") + "</status>" + attachment
                + "<tagSet>" + tagXml(n.tags) + "</tagSet></item>";
    }

    private static String state(String name) {
        int code = switch (name) {
            case "pending" -> 0;
            case "running" -> 16;
            case "shutting-down" -> 32;
            case "terminated" -> 48;
            case "stopping" -> 64;
            default -> 80;
        };
        return "<code>" + code + "</code><name>" + name + "</name>";
    }

    private static String tagXml(Map<String, String> tags) {
        StringBuilder out = new StringBuilder();
        tags.forEach((k, v) -> out.append("<item><key>").append(k).append("</key><value>").append(v)
                .append("</value></item>"));
        return out.toString();
    }

    private String id(String prefix) {
        return String.format("%s-%017x", prefix, ++counter);
    }

    private String launchTime() {
        return String.format("2026-11-22T11:%02d:%02d.000Z", counter / 60 % 60, counter % 60);
    }

    List<String> volumesOf(String instanceId) {
        List<String> out = new ArrayList<>();
        volumes.values().stream().filter(v -> instanceId.equals(v.instanceId)).forEach(v -> out.add(v.id));
        return out;
    }
}
