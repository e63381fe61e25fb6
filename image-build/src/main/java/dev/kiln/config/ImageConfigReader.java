package dev.kiln.config;

import com.fasterxml.jackson.databind.JsonNode;
import org.snakeyaml.engine.v2.nodes.Node;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Reads the image-spec fields LinuxKit allows both in YAML and in the org.mobyproject.config label. */
final class ImageConfigReader {

    static final Set<String> CONFIG_KEYS = Set.of("capabilities", "capabilities.add", "ambient", "mounts", "binds",
            "binds.add", "devices", "tmpfs", "command", "env", "cwd", "net", "pid", "ipc", "uts", "userns",
            "hostname", "readonly", "maskedPaths", "readonlyPaths", "uid", "gid", "additionalGids",
            "noNewPrivileges", "oomScoreAdj", "rootfsPropagation", "cgroupsPath", "resources", "sysctl", "rlimits",
            "uidMappings", "gidMappings", "annotations", "runtime");
    static final Set<String> IMAGE_KEYS = Stream.concat(CONFIG_KEYS.stream(), Stream.of("name", "image"))
            .collect(Collectors.toUnmodifiableSet());

    private static final Set<String> MOUNT_KEYS = Set.of("destination", "type", "source", "options");
    private static final Set<String> DEVICE_KEYS = Set.of("path", "type", "major", "minor", "mode");
    private static final Set<String> MAPPING_KEYS = Set.of("containerID", "hostID", "size");
    private static final Set<String> RUNTIME_KEYS = Set.of("cgroups", "mounts", "mkdir", "interfaces", "bindNS",
            "namespace");
    private static final Set<String> INTERFACE_KEYS = Set.of("name", "add", "peer", "createInRoot");
    private static final Set<String> NAMESPACE_KEYS = Set.of("cgroup", "ipc", "mnt", "net", "pid", "user", "uts");

    private ImageConfigReader() {
    }

    static ImageConfig read(YamlMap m) {
        return new ImageConfig(m.strings("capabilities"), m.strings("capabilities.add"), m.strings("ambient"),
                m.list("mounts", ImageConfigReader::mount), m.strings("binds"), m.strings("binds.add"),
                m.list("devices", ImageConfigReader::device), m.strings("tmpfs"), m.strings("command"),
                m.strings("env"), m.string("cwd"), m.string("net"), m.string("pid"), m.string("ipc"),
                m.string("uts"), m.string("userns"), m.string("hostname"), m.bool("readonly"),
                m.strings("maskedPaths"), m.strings("readonlyPaths"), id(m, "uid"), id(m, "gid"),
                m.list("additionalGids", ImageConfigReader::id), m.bool("noNewPrivileges"), m.integer("oomScoreAdj"),
                m.string("rootfsPropagation"), m.string("cgroupsPath"), resources(m),
                m.stringMap("sysctl"), m.strings("rlimits"), m.list("uidMappings", ImageConfigReader::mapping),
                m.list("gidMappings", ImageConfigReader::mapping), m.stringMap("annotations"),
                m.node("runtime").map(n -> runtime(n, m.child("runtime"))).orElse(null));
    }

    /** The largest uid or gid: 2^32-1 (Linux's is one less, (uid_t) -1 meaning "no change"). */
    static final long MAX_ID = 0xffffffffL;

    static IdRef id(YamlMap m, String key) {
        return m.node(key).map(n -> id(n, m.child(key))).orElse(null);
    }

    static IdRef id(Node n, String path) {
        String text = YamlMap.scalarText(n, path, "a number or a container name");
        if (!text.matches("-?[0-9]+")) {
            return IdRef.named(text);
        }
        long id;
        try {
            id = Long.parseLong(text);
        } catch (NumberFormatException e) {
            id = -1;
        }
        if (id < 0 || id > MAX_ID) {
            throw ConfigErrors.at(Position.of(n), path, "uid/gid " + text + " is out of range",
                    "a uid or gid is 0 to " + MAX_ID + "; a larger one would wrap (4294967296 becomes 0, root)");
        }
        return IdRef.of(id);
    }

    static MountSpec mount(Node n, String path) {
        YamlMap m = YamlMap.of(n, path, MOUNT_KEYS);
        return new MountSpec(m.string("destination"), m.string("type"), m.string("source"), m.strings("options"));
    }

    private static DeviceSpec device(Node n, String path) {
        YamlMap m = YamlMap.of(n, path, DEVICE_KEYS);
        Long major = m.integer("major");
        Long minor = m.integer("minor");
        return new DeviceSpec(m.string("path"), m.string("type"), major == null ? 0 : major,
                minor == null ? 0 : minor, m.string("mode"));
    }

    private static IdMapping mapping(Node n, String path) {
        YamlMap m = YamlMap.of(n, path, MAPPING_KEYS);
        return new IdMapping(orZero(m.integer("containerID")), orZero(m.integer("hostID")), orZero(m.integer("size")));
    }

    private static JsonNode resources(YamlMap m) {
        return m.node("resources").map(n -> {
            YamlMap.of(n, m.child("resources"), Set.of("devices", "memory", "cpu", "pids", "blockIO", "hugepageLimits",
                    "network", "rdma", "unified"));
            return YamlJson.toJson(n, m.child("resources"));
        }).orElse(null);
    }

    private static RuntimeConfig runtime(Node n, String path) {
        YamlMap m = YamlMap.of(n, path, RUNTIME_KEYS);
        BindNamespaces ns = m.node("bindNS").map(b -> {
            YamlMap bm = YamlMap.of(b, m.child("bindNS"), NAMESPACE_KEYS);
            return new BindNamespaces(bm.string("cgroup"), bm.string("ipc"), bm.string("mnt"), bm.string("net"),
                    bm.string("pid"), bm.string("user"), bm.string("uts"));
        }).orElse(BindNamespaces.NONE);
        List<InterfaceSpec> interfaces = m.list("interfaces", (i, p) -> {
            YamlMap im = YamlMap.of(i, p, INTERFACE_KEYS);
            return new InterfaceSpec(im.string("name"), im.string("add"), im.string("peer"),
                    Boolean.TRUE.equals(im.bool("createInRoot")));
        });
        return new RuntimeConfig(m.strings("cgroups"), m.list("mounts", ImageConfigReader::mount),
                m.strings("mkdir"), interfaces, ns, m.string("namespace"));
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
