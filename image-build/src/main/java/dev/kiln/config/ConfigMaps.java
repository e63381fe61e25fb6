package dev.kiln.config;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Turns a configuration into ordered maps and lists with LinuxKit's key names; unset and empty values are left out. */
final class ConfigMaps {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ConfigMaps() {
    }

    static Map<String, Object> of(KilnConfig c) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> kernel = new LinkedHashMap<>();
        put(kernel, "image", c.kernel().image());
        put(kernel, "cmdline", c.kernel().cmdline());
        put(kernel, "binary", c.kernel().binary());
        put(kernel, "tar", c.kernel().tar());
        put(kernel, "ucode", c.kernel().ucode());
        putNonEmpty(out, "kernel", kernel);
        putNonEmpty(out, "init", c.init());
        putNonEmpty(out, "onboot", list(c.onboot(), ConfigMaps::image));
        putNonEmpty(out, "onshutdown", list(c.onshutdown(), ConfigMaps::image));
        putNonEmpty(out, "services", list(c.services(), ConfigMaps::image));
        putNonEmpty(out, "files", list(c.files(), ConfigMaps::file));
        putNonEmpty(out, "volumes", list(c.volumes(), ConfigMaps::volume));
        return out;
    }

    static Map<String, Object> image(ImageSpec s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("image", s.image());
        m.putAll(config(s.config()));
        return m;
    }

    static Map<String, Object> config(ImageConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "capabilities", c.capabilities());
        put(m, "capabilities.add", c.capabilitiesAdd());
        put(m, "ambient", c.ambient());
        put(m, "mounts", list(c.mounts(), ConfigMaps::mount));
        put(m, "binds", c.binds());
        put(m, "binds.add", c.bindsAdd());
        put(m, "devices", list(c.devices(), d -> ordered("path", d.path(), "type", d.type(), "major", d.major(),
                "minor", d.minor(), "mode", d.mode())));
        put(m, "tmpfs", c.tmpfs());
        put(m, "command", c.command());
        put(m, "env", c.env());
        put(m, "cwd", c.cwd());
        put(m, "net", c.net());
        put(m, "pid", c.pid());
        put(m, "ipc", c.ipc());
        put(m, "uts", c.uts());
        put(m, "userns", c.userns());
        put(m, "hostname", c.hostname());
        put(m, "readonly", c.readonly());
        put(m, "maskedPaths", c.maskedPaths());
        put(m, "readonlyPaths", c.readonlyPaths());
        put(m, "uid", c.uid() == null ? null : c.uid().value());
        put(m, "gid", c.gid() == null ? null : c.gid().value());
        put(m, "additionalGids", c.additionalGids() == null ? null
                : c.additionalGids().stream().map(IdRef::value).toList());
        put(m, "noNewPrivileges", c.noNewPrivileges());
        put(m, "oomScoreAdj", c.oomScoreAdj());
        put(m, "rootfsPropagation", c.rootfsPropagation());
        put(m, "cgroupsPath", c.cgroupsPath());
        put(m, "resources", c.resources() == null ? null : JSON.convertValue(c.resources(), Object.class));
        put(m, "sysctl", c.sysctl());
        put(m, "rlimits", c.rlimits());
        put(m, "uidMappings", list(c.uidMappings(), ConfigMaps::mapping));
        put(m, "gidMappings", list(c.gidMappings(), ConfigMaps::mapping));
        put(m, "annotations", c.annotations());
        put(m, "runtime", c.runtime() == null ? null : runtime(c.runtime()));
        return m;
    }

    private static Map<String, Object> runtime(RuntimeConfig r) {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "cgroups", r.cgroups());
        put(m, "mounts", list(r.mounts(), ConfigMaps::mount));
        put(m, "mkdir", r.mkdir());
        put(m, "interfaces", list(r.interfaces(), i -> ordered("name", i.name(), "add", i.add(), "peer", i.peer(),
                "createInRoot", i.createInRoot())));
        BindNamespaces b = r.bindNS();
        putNonEmpty(m, "bindNS", ordered("cgroup", b.cgroup(), "ipc", b.ipc(), "mnt", b.mnt(), "net", b.net(),
                "pid", b.pid(), "user", b.user(), "uts", b.uts()));
        put(m, "namespace", r.namespace());
        return m;
    }

    private static Map<String, Object> mount(MountSpec s) {
        return ordered("destination", s.destination(), "type", s.type(), "source", s.source(), "options", s.options().isEmpty() ? null : s.options());
    }

    private static Map<String, Object> mapping(IdMapping i) {
        return ordered("containerID", i.containerID(), "hostID", i.hostID(), "size", i.size());
    }

    private static Map<String, Object> file(FileSpec f) {
        return ordered("path", f.path(), "directory", f.directory() ? true : null, "symlink", f.symlink(),
                "contents", f.contents(), "source", f.source(), "metadata", f.metadata(),
                "optional", f.optional() ? true : null, "mode", f.mode(),
                "uid", f.uid() == null ? null : f.uid().value(), "gid", f.gid() == null ? null : f.gid().value());
    }

    private static Map<String, Object> volume(VolumeSpec v) {
        return ordered("name", v.name(), "image", v.image(), "readonly", v.readonly() ? true : null,
                "format", v.format(), "platforms", v.platforms().isEmpty() ? null : v.platforms());
    }

    private static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            put(m, (String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static <T> List<Object> list(List<T> items, Function<T, Object> map) {
        return items == null ? null : items.stream().map(map).toList();
    }

    /** Unset (null) values are left out; an explicitly empty list or map is kept, as it overrides. */
    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    /** For values that are never unset: left out when empty. */
    private static void putNonEmpty(Map<String, Object> m, String key, Object value) {
        if (!(value instanceof List<?> l && l.isEmpty()) && !(value instanceof Map<?, ?> mm && mm.isEmpty())) {
            m.put(key, value);
        }
    }
}
