package dev.kiln.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The kiln commands in shell text a user copies (README blocks, CI scripts), split as a shell would. */
final class ShellLines {

    private static final Pattern WORD = Pattern.compile("\"([^\"]*)\"|'([^']*)'|(\\S+)");

    private ShellLines() {
    }

    /** The {@code kiln ...} lines, continuation lines joined, a trailing comment and output redirection dropped. */
    static List<String> kilnCommands(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.replace("\\\n", " ").split("\n")) {
            String command = line.replaceFirst("\\s+#.*$", "").strip().replaceFirst("\\s+>\\s*\\S+$", "");
            if (command.startsWith("kiln ")) {
                lines.add(command);
            }
        }
        return lines;
    }

    /** Shell words: whitespace-separated, with single and double quotes removed. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        Matcher m = WORD.matcher(line);
        while (m.find()) {
            words.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
        }
        return words;
    }
}
