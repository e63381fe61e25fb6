package dev.kiln.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

import java.math.BigDecimal;
import java.math.BigInteger;

/** Converts a YAML subtree to JSON, keeping YAML's types (for pass-through OCI objects such as resources). */
final class YamlJson {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private YamlJson() {
    }

    static JsonNode toJson(Node node, String path) {
        if (node instanceof MappingNode mapping) {
            ObjectNode out = F.objectNode();
            for (NodeTuple t : mapping.getValue()) {
                String key = YamlMap.scalarText(t.getKeyNode(), path, "a key");
                out.set(key, toJson(t.getValueNode(), path + "." + key));
            }
            return out;
        }
        if (node instanceof SequenceNode sequence) {
            ArrayNode out = F.arrayNode();
            for (int i = 0; i < sequence.getValue().size(); i++) {
                out.add(toJson(sequence.getValue().get(i), path + "[" + i + "]"));
            }
            return out;
        }
        return scalar((ScalarNode) node);
    }

    private static JsonNode scalar(ScalarNode s) {
        Tag tag = s.getTag();
        String v = s.getValue();
        if (Tag.NULL.equals(tag)) {
            return F.nullNode();
        }
        if (Tag.BOOL.equals(tag)) {
            return F.booleanNode(Boolean.parseBoolean(v));
        }
        try {
            if (Tag.INT.equals(tag)) {
                return F.numberNode(new BigInteger(v));
            }
            if (Tag.FLOAT.equals(tag)) {
                return F.numberNode(new BigDecimal(v));
            }
        } catch (NumberFormatException e) {
            return F.textNode(v);
        }
        return F.textNode(v);
    }
}
