package dev.kiln.rootfs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.config.IdMapping;
import dev.kiln.config.IdRef;
import dev.kiln.config.ImageConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Generates a container's OCI runtime config.json as LinuxKit's {@code ConfigToOCI} does. Each
 * field comes from the YAML if written there, else from the image's {@code org.mobyproject.config}
 * label, else (args, env, cwd only) from the image config. Empty values are left out as Go's
 * {@code omitempty} leaves them out.
 */
public final class OciSpecGenerator {

    /** The runtime-spec version written to {@code ociVersion}. */
    public static final String OCI_VERSION = "1.1.0";

    /** The generated document and the one decision the bundle layout depends on. */
    public record Result(ObjectNode spec, boolean readonly) {
    }

    private final Map<String, Long> ids;

    /** @param ids the uid/gid allocated to each container name (100, 101, ...) */
    public OciSpecGenerator(Map<String, Long> ids) {
        this.ids = Map.copyOf(ids);
    }

    /**
     * @param imageConfig the OCI image config document (its {@code config} holds Entrypoint, Cmd, Env, WorkingDir)
     * @param where       e.g. {@code services[1] (sshd)}, for messages
     */
    public Result generate(ImageConfig yaml, ImageConfig label, JsonNode imageConfig, String where) {
        JsonNode config = imageConfig.path("config");
        boolean readonly = first(yaml.readonly(), label.readonly(), false);
        ObjectNode spec = GoJson.MAPPER.createObjectNode();
        spec.put("ociVersion", OCI_VERSION);
        spec.set("process", process(yaml, label, config, where));
        ObjectNode root = spec.putObject("root");
        root.put("path", "rootfs");
        if (readonly) {
            root.put("readonly", true);
        }
        putText(spec, "hostname", firstNonEmpty(yaml.hostname(), label.hostname()));
        spec.set("mounts", OciMounts.build(yaml, label, readonly, where));
        putMap(spec, "annotations", first(yaml.annotations(), label.annotations(), Map.of()));
        spec.set("linux", OciLinux.build(yaml, label, where));
        return new Result(spec, readonly);
    }

    private ObjectNode process(ImageConfig yaml, ImageConfig label, JsonNode config, String where) {
        ObjectNode p = GoJson.MAPPER.createObjectNode();
        ObjectNode user = p.putObject("user");
        user.put("uid", id(first(yaml.uid(), label.uid(), null), where));
        user.put("gid", id(first(yaml.gid(), label.gid(), null), where));
        List<IdRef> groups = first(yaml.additionalGids(), label.additionalGids(), List.of());
        if (!groups.isEmpty()) {
            ArrayNode g = user.putArray("additionalGids");
            groups.forEach(id -> g.add(id(id, where)));
        }
        putList(p, "args", first(yaml.command(), label.command(), imageCommand(config)));
        putList(p, "env", first(yaml.env(), label.env(), texts(config.path("Env"))));
        p.put("cwd", firstNonEmpty(yaml.cwd(), label.cwd(), config.path("WorkingDir").asText(""), "/"));
        p.set("capabilities", capabilities(yaml, label, where));
        ArrayNode rlimits = Rlimits.build(first(yaml.rlimits(), label.rlimits(), List.of()), where);
        if (!rlimits.isEmpty()) {
            p.set("rlimits", rlimits);
        }
        if (first(yaml.noNewPrivileges(), label.noNewPrivileges(), false)) {
            p.put("noNewPrivileges", true);
        }
        Long oom = first(yaml.oomScoreAdj(), label.oomScoreAdj(), null);
        if (oom != null) {
            p.put("oomScoreAdj", oom);
        }
        return p;
    }

    private static ObjectNode capabilities(ImageConfig yaml, ImageConfig label, String where) {
        List<String> caps = yaml.capabilities() != null ? yaml.capabilities()
                : Capabilities.merge(label.capabilities(), yaml.capabilitiesAdd());
        caps = Capabilities.expand(caps == null ? List.of() : caps, where);
        List<String> ambient = Capabilities.expand(first(yaml.ambient(), label.ambient(), List.of()), where);
        List<String> bounding = Capabilities.bounding(caps, ambient);
        ObjectNode c = GoJson.MAPPER.createObjectNode();
        putList(c, "bounding", bounding);
        putList(c, "effective", caps);
        putList(c, "inheritable", bounding);
        putList(c, "permitted", bounding);
        putList(c, "ambient", ambient);
        return c;
    }

    /** LinuxKit's IDNumeric: unset, "" and "root" are 0; a name is the container's allocated id. */
    private long id(IdRef ref, String where) {
        if (ref == null) {
            return 0;
        }
        if (!ref.isName()) {
            return ref.number();
        }
        if (ref.name().isEmpty() || ref.name().equals("root")) {
            return 0;
        }
        Long id = ids.get(ref.name());
        if (id == null) {
            throw OciMounts.bad(where, "there is no container named '" + ref.name() + "' to take a uid/gid from",
                    "use a number or the name of an onboot, onshutdown or service container");
        }
        return id;
    }

    static List<String> imageCommand(JsonNode config) {
        List<String> out = new ArrayList<>(texts(config.path("Entrypoint")));
        out.addAll(texts(config.path("Cmd")));
        return out;
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static ArrayNode mappings(List<IdMapping> mappings) {
        ArrayNode out = GoJson.MAPPER.createArrayNode();
        for (IdMapping m : mappings) {
            out.addObject().put("containerID", m.containerID()).put("hostID", m.hostID()).put("size", m.size());
        }
        return out;
    }

    static <T> T first(T yaml, T label, T fallback) {
        return yaml != null ? yaml : label != null ? label : fallback;
    }

    static String firstNonEmpty(String... values) {
        for (String v : values) {
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return "";
    }

    static void putList(ObjectNode n, String key, List<String> values) {
        if (values != null && !values.isEmpty()) {
            ArrayNode a = n.putArray(key);
            values.forEach(a::add);
        }
    }

    static void putMap(ObjectNode n, String key, Map<String, String> values) {
        if (values != null && !values.isEmpty()) {
            ObjectNode m = n.putObject(key);
            new TreeMap<>(values).forEach(m::put);
        }
    }

    static void putText(ObjectNode n, String key, String value) {
        if (value != null && !value.isEmpty()) {
            n.put(key, value);
        }
    }
}
