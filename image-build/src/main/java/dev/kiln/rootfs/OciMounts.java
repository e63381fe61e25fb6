package dev.kiln.rootfs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.config.ImageConfig;
import dev.kiln.config.MountSpec;
import dev.kiln.api.KilnException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The mounts of config.json, by LinuxKit's rules: Docker's defaults for /proc, /dev, /dev/pts,
 * /sys and /sys/fs/cgroup, then {@code tmpfs}, {@code binds} and {@code mounts} (later ones
 * replace earlier ones at the same destination), sorted by destination so /dev precedes /dev/pts.
 */
final class OciMounts {

    private OciMounts() {
    }

    static ArrayNode build(ImageConfig yaml, ImageConfig label, boolean readonly, String where) {
        Map<String, MountSpec> mounts = new TreeMap<>();
        List<String> dev = new ArrayList<>(List.of("nosuid", "strictatime", "mode=755", "size=65536k"));
        List<String> sys = new ArrayList<>(List.of("nosuid", "noexec", "nodev"));
        if (readonly) {
            dev.add("ro");
            sys.add("ro");
        }
        put(mounts, new MountSpec("/proc", "proc", "proc", List.of("nosuid", "nodev", "noexec", "relatime")));
        put(mounts, new MountSpec("/dev", "tmpfs", "tmpfs", dev));
        put(mounts, new MountSpec("/dev/pts", "devpts", "devpts",
                List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")));
        put(mounts, new MountSpec("/sys", "sysfs", "sysfs", sys));
        put(mounts, new MountSpec("/sys/fs/cgroup", "cgroup", "cgroup",
                List.of("nosuid", "noexec", "nodev", "relatime", "ro")));
        for (String t : orEmpty(yaml.tmpfs() != null ? yaml.tmpfs() : label.tmpfs())) {
            put(mounts, tmpfs(t, where));
        }
        List<String> binds = yaml.binds() != null ? yaml.binds() : Capabilities.merge(label.binds(), yaml.bindsAdd());
        for (String b : orEmpty(binds)) {
            put(mounts, bind(b, where));
        }
        for (MountSpec m : orEmpty(yaml.mounts() != null ? yaml.mounts() : label.mounts())) {
            put(mounts, explicit(m, where));
        }
        ArrayNode out = GoJson.MAPPER.createArrayNode();
        mounts.values().forEach(m -> out.add(json(m)));
        return out;
    }

    static ObjectNode json(MountSpec m) {
        ObjectNode n = GoJson.MAPPER.createObjectNode();
        n.put("destination", m.destination());
        if (m.type() != null && !m.type().isEmpty()) {
            n.put("type", m.type());
        }
        if (m.source() != null && !m.source().isEmpty()) {
            n.put("source", m.source());
        }
        if (!m.options().isEmpty()) {
            ArrayNode o = n.putArray("options");
            m.options().forEach(o::add);
        }
        return n;
    }

    private static MountSpec tmpfs(String text, String where) {
        String[] parts = text.split(":", -1);
        if (parts.length > 2) {
            throw bad(where, "tmpfs '" + text + "' has too many ':'", "write DEST or DEST:OPTION,OPTION");
        }
        List<String> options = parts.length == 2 ? List.of(parts[1].split(",", -1)) : List.of();
        return new MountSpec(parts[0], "tmpfs", "tmpfs", options);
    }

    private static MountSpec bind(String text, String where) {
        String[] parts = text.split(":", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw bad(where, "bind '" + text + "' is not SOURCE:DEST[:OPTIONS]", "write e.g. /var:/var:rw");
        }
        List<String> options = new ArrayList<>(List.of("rw", "rbind", "rshared"));
        if (parts.length == 3) {
            options = new ArrayList<>(List.of(parts[2].split(",", -1)));
            options.add("rbind");
        }
        return new MountSpec(parts[1], "bind", parts[0], options);
    }

    private static MountSpec explicit(MountSpec m, String where) {
        String type = m.type() == null ? "" : m.type();
        String source = m.source() == null ? "" : m.source();
        String dest = m.destination() == null ? "" : m.destination();
        if (type.isEmpty() && List.of("mqueue", "devpts", "proc", "sysfs", "cgroup").contains(source)) {
            type = source;
        }
        if (type.isEmpty() && dest.equals("/dev")) {
            type = "tmpfs";
        }
        if (type.isEmpty()) {
            throw bad(where, "the mount for " + dest + " has no type", "add type: to the mount");
        }
        source = source.isEmpty() ? type : source;
        dest = dest.isEmpty() ? defaultMountpoint(type) : dest;
        if (dest.isEmpty()) {
            throw bad(where, "the " + type + " mount has no destination", "add destination: to the mount");
        }
        return new MountSpec(dest, type, source, m.options());
    }

    private static String defaultMountpoint(String type) {
        return switch (type) {
            case "proc" -> "/proc";
            case "devpts" -> "/dev/pts";
            case "sysfs" -> "/sys";
            case "cgroup" -> "/sys/fs/cgroup";
            case "mqueue" -> "/dev/mqueue";
            default -> "";
        };
    }

    private static void put(Map<String, MountSpec> mounts, MountSpec m) {
        mounts.put(m.destination(), m);
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    static KilnException bad(String where, String problem, String remedy) {
        return KilnException.tried("make the OCI config for " + where, problem, remedy);
    }
}
