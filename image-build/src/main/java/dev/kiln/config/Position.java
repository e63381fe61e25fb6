package dev.kiln.config;

import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;

/** Where something was written: file name, 1-based line and column. */
public record Position(String file, int line, int column) {

    public static Position of(Node node) {
        return node.getStartMark().map(Position::of).orElse(new Position("?", 0, 0));
    }

    public static Position of(Mark mark) {
        return new Position(mark.getName(), mark.getLine() + 1, mark.getColumn() + 1);
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
