package dev.kiln.config;

import dev.kiln.api.KilnException;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Loads one YAML document as a node tree with positions. Hostile input fails fast: the events
 * are scanned first (no recursion, no expansion) to bound nesting depth and alias count, so a
 * "billion laughs" bomb or a deeply nested document is refused before anything is built from it.
 */
public final class YamlDocument {

    static final int MAX_DEPTH = 64;
    static final int MAX_ALIASES = 50;
    static final int MAX_CODE_POINTS = 8 * 1024 * 1024;

    private YamlDocument() {
    }

    /** The root node, or empty for an empty document. */
    public static Optional<Node> load(String name, String text) {
        LoadSettings settings = LoadSettings.builder().setLabel(name).setAllowDuplicateKeys(false)
                .setAllowRecursiveKeys(false).setMaxAliasesForCollections(MAX_ALIASES)
                .setCodePointLimit(MAX_CODE_POINTS).setUseMarks(true).build();
        try {
            checkShape(settings, text);
            Optional<Node> root = new Compose(settings).composeString(text);
            root.ifPresent(YamlDocument::checkDuplicateKeys);
            return root;
        } catch (MarkedYamlEngineException e) {
            Position at = e.getProblemMark().or(e::getContextMark).map(Position::of).orElse(new Position(name, 0, 0));
            String problem = (e.getContext() == null ? "" : e.getContext() + ", ") + e.getProblem();
            throw ConfigErrors.at(at, "", "invalid YAML: " + problem, "");
        } catch (YamlEngineException e) {
            throw KilnException.tried("read the configuration " + name, "it is not valid YAML: " + KilnException.reason(e),
                    "fix the YAML and run the build again").asUsage();
        }
    }

    /** The most bytes a configuration may have; 4 bytes per code point at most in UTF-8. */
    static final int MAX_BYTES = MAX_CODE_POINTS;

    /**
     * Reads a configuration with the size cap applied while reading, so an endless input ({@code /dev/zero},
     * a pipe that never ends) is refused after {@link #MAX_BYTES} bytes instead of filling the heap.
     */
    public static String read(InputStream in, String name) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
            throw KilnException.tried("read the configuration " + name, "it is larger than "
                    + MAX_BYTES / (1024 * 1024) + " MiB", "a kiln configuration is a few kilobytes; check that "
                    + name + " is the file you meant");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * snakeyaml's composer keeps the last of two equal keys whatever {@code setAllowDuplicateKeys} says (only
     * the constructor checks it), so equal scalar keys are refused here, naming where both are.
     */
    static void checkDuplicateKeys(Node root) {
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Node> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (!seen.add(n)) {
                continue;
            }
            if (n instanceof MappingNode m) {
                Map<String, Node> keys = new HashMap<>();
                for (NodeTuple t : m.getValue()) {
                    if (t.getKeyNode() instanceof ScalarNode k) {
                        Node first = keys.putIfAbsent(k.getValue(), k);
                        if (first != null) {
                            throw ConfigErrors.at(Position.of(k), "", "duplicate key '" + k.getValue()
                                    + "', first at " + Position.of(first), "remove one of them; YAML keys are unique"
                                    + " in a mapping");
                        }
                    }
                    todo.push(t.getKeyNode());
                    todo.push(t.getValueNode());
                }
            } else if (n instanceof SequenceNode q) {
                q.getValue().forEach(todo::push);
            }
        }
    }

    private static void checkShape(LoadSettings settings, String text) {
        int depth = 0;
        int aliases = 0;
        for (Event event : new Parse(settings).parseString(text)) {
            switch (event.getEventId()) {
                case MappingStart, SequenceStart -> depth++;
                case MappingEnd, SequenceEnd -> depth--;
                case Alias -> aliases++;
                default -> { }
            }
            if (depth > MAX_DEPTH) {
                throw refuse(event.getStartMark(), "the document nests deeper than " + MAX_DEPTH + " levels");
            }
            if (aliases > MAX_ALIASES) {
                throw refuse(event.getStartMark(), "the document uses more than " + MAX_ALIASES
                        + " aliases, which looks like an alias bomb");
            }
        }
    }

    private static KilnException refuse(Optional<Mark> mark, String problem) {
        Position at = mark.map(Position::of).orElse(new Position("?", 0, 0));
        return ConfigErrors.at(at, "", problem, "a kiln configuration never needs this; check where the file came from");
    }
}
