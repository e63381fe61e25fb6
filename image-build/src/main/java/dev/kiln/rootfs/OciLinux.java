package dev.kiln.rootfs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.config.DeviceSpec;
import dev.kiln.config.ImageConfig;

import java.util.List;
import java.util.Map;

import static dev.kiln.rootfs.OciSpecGenerator.first;
import static dev.kiln.rootfs.OciSpecGenerator.firstNonEmpty;

/** The {@code linux} object of config.json: namespaces, devices and resources, by LinuxKit's rules. */
final class OciLinux {

    private static final List<String> RESOURCE_ORDER = List.of("devices", "memory", "cpu", "pids", "blockIO",
            "hugepageLimits", "network", "rdma", "unified");

    private OciLinux() {
    }

    static ObjectNode build(ImageConfig yaml, ImageConfig label, String where) {
        ObjectNode linux = GoJson.MAPPER.createObjectNode();
        ArrayNode uid = OciSpecGenerator.mappings(first(yaml.uidMappings(), label.uidMappings(), List.of()));
        ArrayNode gid = OciSpecGenerator.mappings(first(yaml.gidMappings(), label.gidMappings(), List.of()));
        if (!uid.isEmpty()) {
            linux.set("uidMappings", uid);
        }
        if (!gid.isEmpty()) {
            linux.set("gidMappings", gid);
        }
        OciSpecGenerator.putMap(linux, "sysctl", first(yaml.sysctl(), label.sysctl(), Map.of()));
        ObjectNode resources = resources(first(yaml.resources(), label.resources(), null));
        ArrayNode devices = devices(first(yaml.devices(), label.devices(), List.of()), resources, where);
        linux.set("resources", resources);
        OciSpecGenerator.putText(linux, "cgroupsPath", first(yaml.cgroupsPath(), label.cgroupsPath(), ""));
        linux.set("namespaces", namespaces(yaml, label));
        if (!devices.isEmpty()) {
            linux.set("devices", devices);
        }
        OciSpecGenerator.putText(linux, "rootfsPropagation",
                first(yaml.rootfsPropagation(), label.rootfsPropagation(), ""));
        OciSpecGenerator.putList(linux, "maskedPaths", first(yaml.maskedPaths(), label.maskedPaths(), List.of()));
        OciSpecGenerator.putList(linux, "readonlyPaths", first(yaml.readonlyPaths(), label.readonlyPaths(), List.of()));
        return linux;
    }

    /** net, ipc, uts and user join the host unless asked; pid is new unless host; mount and cgroup always new. */
    private static ArrayNode namespaces(ImageConfig yaml, ImageConfig label) {
        ArrayNode ns = GoJson.MAPPER.createArrayNode();
        add(ns, "network", firstNonEmpty(yaml.net(), label.net(), "root"), true);
        add(ns, "ipc", firstNonEmpty(yaml.ipc(), label.ipc(), "root"), false);
        add(ns, "uts", firstNonEmpty(yaml.uts(), label.uts(), "root"), false);
        add(ns, "pid", firstNonEmpty(yaml.pid(), label.pid()), false);
        add(ns, "user", firstNonEmpty(yaml.userns(), label.userns(), "root"), false);
        ns.addObject().put("type", "mount");
        ns.addObject().put("type", "cgroup");
        return ns;
    }

    private static void add(ArrayNode ns, String type, String value, boolean noneMeansNew) {
        if (value.equals("host") || value.equals("root")) {
            return;
        }
        String path = value.equals("new") || noneMeansNew && value.equals("none") ? "" : value;
        ObjectNode n = ns.addObject().put("type", type);
        if (!path.isEmpty()) {
            n.put("path", path);
        }
    }

    private static ObjectNode resources(JsonNode given) {
        ObjectNode out = GoJson.MAPPER.createObjectNode();
        if (given != null) {
            for (String key : RESOURCE_ORDER) {
                if (given.has(key)) {
                    out.set(key, given.get(key).deepCopy());
                }
            }
        }
        return out;
    }

    /** Each device becomes a LinuxDevice plus an "rwm" allow rule; {@code path: all} only allows a class. */
    private static ArrayNode devices(List<DeviceSpec> specs, ObjectNode resources, String where) {
        ArrayNode devices = GoJson.MAPPER.createArrayNode();
        for (DeviceSpec d : specs) {
            ArrayNode rules = resources.has("devices") ? (ArrayNode) resources.get("devices")
                    : resources.putArray("devices");
            ObjectNode rule = rules.addObject().put("allow", true);
            OciSpecGenerator.putText(rule, "type", d.type());
            if ("all".equals(d.path())) {
                rule.put("access", "rwm");
                continue;
            }
            rule.put("major", d.major()).put("minor", d.minor()).put("access", "rwm");
            ObjectNode dev = devices.addObject().put("path", d.path()).put("type", d.type())
                    .put("major", d.major()).put("minor", d.minor());
            dev.put("fileMode", mode(d, where));
        }
        return devices;
    }

    private static int mode(DeviceSpec d, String where) {
        try {
            return Integer.parseInt(d.mode() == null ? "" : d.mode(), 8);
        } catch (NumberFormatException e) {
            throw OciMounts.bad(where, "device " + d.path() + " has mode '" + d.mode() + "', not an octal number",
                    "write e.g. mode: \"0666\"");
        }
    }
}
