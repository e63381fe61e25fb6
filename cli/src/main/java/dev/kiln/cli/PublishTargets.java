package dev.kiln.cli;

import dev.kiln.api.KilnException;
import dev.kiln.config.Position;
import dev.kiln.config.YamlDocument;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A publish targets file: YAML (or JSON, which is YAML too) with a top-level {@code targets:} list. Each entry has a
 * {@code provider}, {@code regions} (a list) or {@code location} (one), and {@code options} keyed by the provider's
 * push flag names without dashes. Every error names the file, line and column.
 *
 * <pre>
 * targets:
 *   - provider: aws
 *     regions: [eu-west-1, us-east-1]
 *     options: {bucket: my-images}
 *   - provider: gcp
 *     options: {project: my-project, bucket: my-images}
 * </pre>
 */
final class PublishTargets {

    private static final Set<String> TARGET_KEYS = Set.of("provider", "regions", "location", "options");

    /** One entry of the file: {@code locations} is empty when it names none (the provider's default place). */
    record Target(String provider, List<String> locations, Map<String, List<String>> options, Position at) {
    }

    private PublishTargets() {
    }

    static List<Target> read(Path file) {
        String text;
        try (InputStream in = Files.newInputStream(file)) {
            text = YamlDocument.read(in, file.toString());
        } catch (IOException e) {
            throw KilnException.usage("Cannot read the targets file " + file + ": " + KilnException.reason(e));
        }
        return parse(file.toString(), text);
    }

    static List<Target> parse(String name, String text) {
        Node root = YamlDocument.load(name, text).orElseThrow(() -> KilnException.usage(
                name + " is empty; a targets file has a top-level 'targets:' list (see 'kiln publish --help')"));
        Map<String, Node> top = mapping(root, "the document", Set.of("targets"));
        Node list = top.get("targets");
        if (!(list instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
            throw at(list == null ? root : list, "'targets' must be a non-empty list of {provider, regions, options}");
        }
        List<Target> targets = new ArrayList<>();
        for (Node entry : seq.getValue()) {
            targets.add(target(entry));
        }
        return targets;
    }

    private static Target target(Node entry) {
        Map<String, Node> fields = mapping(entry, "a target", TARGET_KEYS);
        Node provider = fields.get("provider");
        if (provider == null) {
            throw at(entry, "a target needs 'provider' (e.g. provider: aws)");
        }
        if (fields.containsKey("regions") && fields.containsKey("location")) {
            throw at(fields.get("location"), "give 'regions' (a list) or 'location' (one), not both");
        }
        List<String> locations = new ArrayList<>();
        if (fields.containsKey("regions")) {
            locations.addAll(strings(fields.get("regions"), "regions"));
            if (locations.isEmpty()) {
                throw at(fields.get("regions"), "'regions' is empty; list at least one, or leave it out");
            }
        } else if (fields.containsKey("location")) {
            locations.add(scalar(fields.get("location"), "location"));
        }
        if (locations.stream().distinct().count() != locations.size()) {
            throw at(fields.get("regions"), "'regions' lists a region twice");
        }
        Map<String, List<String>> options = new LinkedHashMap<>();
        Node given = fields.get("options");
        if (given != null && !(given instanceof ScalarNode s && s.getValue().isEmpty())) {
            mapping(given, "'options'", null).forEach((key, value) -> options.put(key, value instanceof SequenceNode
                    ? strings(value, key) : List.of(scalar(value, key))));
        }
        return new Target(scalar(provider, "provider"), List.copyOf(locations), options, Position.of(entry));
    }

    /** The keys of a mapping node, refusing any not in {@code allowed} (null allows any). */
    private static Map<String, Node> mapping(Node node, String what, Set<String> allowed) {
        if (!(node instanceof MappingNode map)) {
            throw at(node, what + " must be a mapping" + (allowed == null ? "" : " with " + String.join(", ",
                    allowed.stream().sorted().toList())));
        }
        Map<String, Node> fields = new LinkedHashMap<>();
        for (NodeTuple t : map.getValue()) {
            String key = scalar(t.getKeyNode(), "a key");
            if (allowed != null && !allowed.contains(key)) {
                throw at(t.getKeyNode(), "unknown key '" + key + "' in " + what + "; known: "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
            fields.put(key, t.getValueNode());
        }
        return fields;
    }

    private static List<String> strings(Node node, String what) {
        if (node instanceof SequenceNode seq) {
            List<String> values = new ArrayList<>();
            for (Node n : seq.getValue()) {
                values.add(scalar(n, what));
            }
            return values;
        }
        throw at(node, "'" + what + "' must be a list, e.g. [" + what + "-1, " + what + "-2]");
    }

    private static String scalar(Node node, String what) {
        if (node instanceof ScalarNode s && !s.getValue().isEmpty()) {
            return s.getValue();
        }
        throw at(node, what + " must be a plain value (a string, number or true/false)");
    }

    private static KilnException at(Node node, String problem) {
        return KilnException.usage(Position.of(node) + ": " + problem);
    }
}
