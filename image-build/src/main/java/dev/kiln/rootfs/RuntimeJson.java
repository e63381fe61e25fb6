package dev.kiln.rootfs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.config.BindNamespaces;
import dev.kiln.config.InterfaceSpec;
import dev.kiln.config.MountSpec;
import dev.kiln.config.RuntimeConfig;

import java.util.List;

import static dev.kiln.rootfs.OciSpecGenerator.first;

/**
 * runtime.json of a bundle: LinuxKit's {@code runtime} section (YAML over label, field by field, as
 * {@code assignRuntime} does) with the mounts that make {@code rootfs/} prepended.
 */
final class RuntimeJson {

    private static final RuntimeConfig NONE = new RuntimeConfig(null, null, null, null, BindNamespaces.NONE, null);

    private RuntimeJson() {
    }

    static ObjectNode build(RuntimeConfig label, RuntimeConfig yaml, List<MountSpec> rootfsMounts) {
        RuntimeConfig l = label == null ? NONE : label;
        RuntimeConfig y = yaml == null ? NONE : yaml;
        ObjectNode out = GoJson.MAPPER.createObjectNode();
        strings(out.putArray("cgroups"), first(y.cgroups(), l.cgroups(), List.of()));
        ArrayNode mounts = out.putArray("mounts");
        rootfsMounts.forEach(m -> mounts.add(OciMounts.json(m)));
        first(y.mounts(), l.mounts(), List.<MountSpec>of()).forEach(m -> mounts.add(OciMounts.json(m)));
        strings(out.putArray("mkdir"), first(y.mkdir(), l.mkdir(), List.of()));
        ArrayNode interfaces = out.putArray("interfaces");
        for (InterfaceSpec i : first(y.interfaces(), l.interfaces(), List.<InterfaceSpec>of())) {
            ObjectNode n = interfaces.addObject();
            OciSpecGenerator.putText(n, "name", i.name());
            OciSpecGenerator.putText(n, "add", i.add());
            OciSpecGenerator.putText(n, "peer", i.peer());
            n.put("createInRoot", i.createInRoot());
        }
        BindNamespaces lb = l.bindNS() == null ? BindNamespaces.NONE : l.bindNS();
        BindNamespaces yb = y.bindNS() == null ? BindNamespaces.NONE : y.bindNS();
        out.putObject("bindNS").put("cgroup", first(yb.cgroup(), lb.cgroup(), ""))
                .put("ipc", first(yb.ipc(), lb.ipc(), "")).put("mnt", first(yb.mnt(), lb.mnt(), ""))
                .put("net", first(yb.net(), lb.net(), "")).put("pid", first(yb.pid(), lb.pid(), ""))
                .put("user", first(yb.user(), lb.user(), "")).put("uts", first(yb.uts(), lb.uts(), ""));
        out.put("namespace", first(y.namespace(), l.namespace(), ""));
        return out;
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
