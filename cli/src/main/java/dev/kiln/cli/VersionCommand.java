package dev.kiln.cli;

import dev.kiln.api.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "version", mixinStandardHelpOptions = true, header = "Print kiln's version and the Java runtime it runs on.")
final class VersionCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", Version.get());
        body.put("java", System.getProperty("java.version"));
        body.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        Kiln.root(spec).results().other("version", body, "kiln " + Version.get() + " (Java "
                + System.getProperty("java.version") + ", " + body.get("os") + ")" + System.lineSeparator());
    }
}
