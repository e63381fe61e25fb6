package dev.kiln.config;

import dev.kiln.api.KilnException;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

import java.util.Optional;

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
            return new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            Position at = e.getProblemMark().or(e::getContextMark).map(Position::of).orElse(new Position(name, 0, 0));
            String problem = (e.getContext() == null ? "" : e.getContext() + ", ") + e.getProblem();
            throw ConfigErrors.at(at, "", "invalid YAML: " + problem, "");
        } catch (YamlEngineException e) {
            throw KilnException.tried("read the configuration " + name, "it is not valid YAML: " + e.getMessage(),
                    "fix the YAML and run the build again").asUsage();
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
