package dev.kiln.config;

import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * A YAML mapping read with a schema in mind: unknown keys are refused with a did-you-mean, and
 * every getter says what it expected and where when the value has the wrong shape.
 * {@code path} names the mapping in the document, e.g. {@code services[2]}.
 */
final class YamlMap {

    private final Node node;
    private final String path;
    private final Map<String, Node> values = new LinkedHashMap<>();

    private YamlMap(Node node, String path) {
        this.node = node;
        this.path = path;
    }

    /** Reads {@code node} as a mapping whose keys must all be in {@code allowed}. */
    static YamlMap of(Node node, String path, Set<String> allowed) {
        if (!(node instanceof MappingNode mapping)) {
            throw ConfigErrors.at(node, path, "expected a mapping of " + String.join(", ", sorted(allowed))
                    + " but found " + describe(node));
        }
        YamlMap map = new YamlMap(node, path);
        for (NodeTuple tuple : mapping.getValue()) {
            String key = scalarText(tuple.getKeyNode(), path, "a key");
            if (!allowed.contains(key)) {
                String hint = DidYouMean.closest(key, allowed).map(k -> "did you mean '" + k + "'?")
                        .orElse("known keys are " + String.join(", ", sorted(allowed)));
                throw ConfigErrors.at(Position.of(tuple.getKeyNode()), path,
                        "unknown key '" + key + "'", hint);
            }
            map.values.put(key, tuple.getValueNode());
        }
        return map;
    }

    Node node() {
        return node;
    }

    String path() {
        return path;
    }

    boolean has(String key) {
        return values.containsKey(key) && !isNull(values.get(key));
    }

    Optional<Node> node(String key) {
        return has(key) ? Optional.of(values.get(key)) : Optional.empty();
    }

    String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** A scalar as text (numbers and booleans as written), or null when absent. */
    String string(String key) {
        return node(key).map(n -> scalarText(n, child(key), "a string")).orElse(null);
    }

    Boolean bool(String key) {
        return node(key).map(n -> {
            String text = scalarText(n, child(key), "true or false");
            if (!text.equals("true") && !text.equals("false")) {
                throw ConfigErrors.at(n, child(key), "expected true or false but found '" + text + "'");
            }
            return Boolean.valueOf(text);
        }).orElse(null);
    }

    Long integer(String key) {
        return node(key).map(n -> integer(n, child(key))).orElse(null);
    }

    List<String> strings(String key) {
        return list(key, (n, p) -> scalarText(n, p, "a string"));
    }

    /** A list whose items are read by {@code item} (given the node and its path), or null when absent. */
    <T> List<T> list(String key, BiFunction<Node, String, T> item) {
        Optional<Node> value = node(key);
        if (value.isEmpty()) {
            return null;
        }
        if (!(value.get() instanceof SequenceNode sequence)) {
            throw ConfigErrors.at(value.get(), child(key), "expected a list but found " + describe(value.get()));
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < sequence.getValue().size(); i++) {
            out.add(item.apply(sequence.getValue().get(i), child(key) + "[" + i + "]"));
        }
        return out;
    }

    /** A mapping of string to scalar text, or null when absent. */
    Map<String, String> stringMap(String key) {
        Optional<Node> value = node(key);
        if (value.isEmpty()) {
            return null;
        }
        if (!(value.get() instanceof MappingNode mapping)) {
            throw ConfigErrors.at(value.get(), child(key), "expected a mapping of names to values but found "
                    + describe(value.get()));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (NodeTuple t : mapping.getValue()) {
            String k = scalarText(t.getKeyNode(), child(key), "a key");
            out.put(k, scalarText(t.getValueNode(), child(key) + "." + k, "a string"));
        }
        return out;
    }

    static long integer(Node n, String path) {
        String text = scalarText(n, path, "an integer");
        try {
            return text.startsWith("0x") ? Long.parseLong(text.substring(2), 16) : Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw ConfigErrors.at(n, path, "expected an integer but found '" + text + "'");
        }
    }

    static String scalarText(Node n, String path, String expected) {
        if (!(n instanceof ScalarNode scalar) || isNull(n)) {
            throw ConfigErrors.at(n, path, "expected " + expected + " but found " + describe(n));
        }
        return scalar.getValue();
    }

    static boolean isNull(Node n) {
        return n instanceof ScalarNode && Tag.NULL.equals(n.getTag());
    }

    static String describe(Node n) {
        if (n instanceof MappingNode) {
            return "a mapping";
        }
        if (n instanceof SequenceNode) {
            return "a list";
        }
        return isNull(n) ? "nothing" : "'" + ((ScalarNode) n).getValue() + "'";
    }

    private static List<String> sorted(Set<String> keys) {
        return keys.stream().sorted().toList();
    }
}
