package dev.kiln.config;

import dev.kiln.api.KilnException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Builds the one error shape of the configuration: file:line:col, where in the document, what was expected.
 * A configuration error is input the user must fix before anything ran: a usage error (exit 2).
 */
final class ConfigErrors {

    private ConfigErrors() {
    }

    static KilnException at(Node node, String path, String problem) {
        return at(Position.of(node), path, problem, "");
    }

    static KilnException at(Position position, String path, String problem, String remedy) {
        String where = path.isEmpty() ? "" : " (at " + path + ")";
        return KilnException.tried("read the configuration", position + ": " + problem + where,
                remedy.isEmpty() ? "fix the YAML and run the build again" : remedy).asUsage();
    }
}
