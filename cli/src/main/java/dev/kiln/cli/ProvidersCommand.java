package dev.kiln.cli;

import dev.kiln.api.ImageFormat;
import dev.kiln.spi.ProviderFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "providers", mixinStandardHelpOptions = true, header = "List the installed providers, what they take and what they can do.")
final class ProvidersCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        KilnCommand root = Kiln.root(spec);
        List<Map<String, Object>> list = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (ProviderFactory f : root.providers()) {
            List<String> accepts = f.accepts().stream().map(ImageFormat::id).sorted().toList();
            List<String> verbs = new ArrayList<>();
            if (f.canPush()) {
                verbs.add("push");
            }
            if (f.canRun()) {
                verbs.add("run");
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", f.name());
            m.put("summary", f.summary());
            m.put("commands", verbs);
            m.put("accepts", accepts);
            list.add(m);
            text.append(String.format("%-10s %-9s %s%n%-20s accepts: %s%n", f.name(), String.join(",", verbs),
                    f.summary(), "", accepts.isEmpty() ? "-" : String.join(", ", accepts)));
        }
        if (list.isEmpty()) {
            text.append("No providers installed.").append(System.lineSeparator());
        }
        root.results().other("providers", Map.of("providers", list), text.toString());
    }
}
