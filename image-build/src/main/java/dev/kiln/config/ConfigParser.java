package dev.kiln.config;

import dev.kiln.api.Events;
import org.snakeyaml.engine.v2.nodes.Node;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Parses one LinuxKit YAML document into a {@link KilnConfig}, following the schema of LinuxKit's
 * {@code moby/schema.go}: unknown keys anywhere are errors, and every error names file, line and
 * column. {@code trust} is accepted and ignored, as LinuxKit has ignored it since Notary was removed.
 */
public final class ConfigParser {

    static final Set<String> TOP_KEYS = Set.of("kernel", "init", "onboot", "onshutdown", "services", "files",
            "volumes", "trust");
    private static final Set<String> KERNEL_KEYS = Set.of("image", "cmdline", "binary", "tar", "ucode");
    private static final Set<String> FILE_KEYS = Set.of("path", "directory", "symlink", "contents", "source",
            "metadata", "optional", "mode", "uid", "gid");
    private static final Set<String> VOLUME_KEYS = Set.of("name", "image", "readonly", "format", "platforms");
    private static final Set<String> TRUST_KEYS = Set.of("image", "org");

    private final Events events;

    public ConfigParser(Events events) {
        this.events = events;
    }

    /** @param name how errors name the document: a file path, or {@code <stdin>} */
    public KilnConfig parse(String name, String text) {
        Optional<Node> root = YamlDocument.load(name, text);
        if (root.isEmpty()) {
            return KilnConfig.EMPTY;
        }
        YamlMap top = YamlMap.of(root.get(), "", TOP_KEYS);
        if (top.has("trust")) {
            YamlMap.of(top.node("trust").orElseThrow(), "trust", TRUST_KEYS);
            events.warn(Position.of(top.node("trust").orElseThrow()) + ": 'trust' is ignored (image signing "
                    + "with Notary was removed from LinuxKit); remove the section to silence this warning");
        }
        return new KilnConfig(kernel(top), orEmpty(top.strings("init")), images(top, "onboot"),
                images(top, "onshutdown"), images(top, "services"),
                orEmpty(top.list("files", ConfigParser::file)), orEmpty(top.list("volumes", ConfigParser::volume)));
    }

    /**
     * Parses the {@code org.mobyproject.config} label of an image (JSON, which is YAML), where
     * {@code name} and {@code image} may not appear.
     */
    public static ImageConfig parseLabel(String imageReference, String text) {
        String name = "label org.mobyproject.config of " + imageReference;
        Optional<Node> root = YamlDocument.load(name, text);
        return root.map(n -> ImageConfigReader.read(YamlMap.of(n, "", ImageConfigReader.CONFIG_KEYS)))
                .orElse(ImageConfig.EMPTY);
    }

    private static KernelSpec kernel(YamlMap top) {
        return top.node("kernel").map(n -> {
            YamlMap k = YamlMap.of(n, "kernel", KERNEL_KEYS);
            return new KernelSpec(k.string("image"), k.string("cmdline"), k.string("binary"), k.string("tar"),
                    k.string("ucode"));
        }).orElse(KernelSpec.NONE);
    }

    private static List<ImageSpec> images(YamlMap top, String section) {
        return orEmpty(top.list(section, (n, path) -> {
            YamlMap m = YamlMap.of(n, path, ImageConfigReader.IMAGE_KEYS);
            String name = required(m, "name");
            String image = required(m, "image");
            return new ImageSpec(name, image, ImageConfigReader.read(m), Position.of(n));
        }));
    }

    private static FileSpec file(Node n, String path) {
        YamlMap m = YamlMap.of(n, path, FILE_KEYS);
        return new FileSpec(required(m, "path"), Boolean.TRUE.equals(m.bool("directory")), m.string("symlink"),
                m.node("contents").isPresent() ? m.string("contents") : null, m.string("source"),
                m.string("metadata"), Boolean.TRUE.equals(m.bool("optional")), m.string("mode"),
                ImageConfigReader.id(m, "uid"), ImageConfigReader.id(m, "gid"), Position.of(n));
    }

    private static VolumeSpec volume(Node n, String path) {
        YamlMap m = YamlMap.of(n, path, VOLUME_KEYS);
        return new VolumeSpec(required(m, "name"), m.string("image"), Boolean.TRUE.equals(m.bool("readonly")),
                m.string("format"), m.strings("platforms"));
    }

    private static String required(YamlMap m, String key) {
        String value = m.string(key);
        if (value == null || value.isEmpty()) {
            throw ConfigErrors.at(m.node(), m.path(), "missing '" + key + "'");
        }
        return value;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
