package dev.kiln.cli;

import dev.kiln.api.BootMode;
import dev.kiln.build.Format;
import dev.kiln.build.Outputs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "formats", mixinStandardHelpOptions = true, header = "List the output formats of 'kiln build -f' and what boots each.")
final class FormatsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        List<Map<String, Object>> list = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (Format f : Format.values()) {
            List<String> boot = f.bootModes().stream().sorted().map(BootMode::id).toList();
            boolean available = Outputs.supported(f);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("format", f.id());
            m.put("files", f.fileNames("NAME"));
            m.put("boot_modes", boot);
            m.put("description", f.description());
            m.put("available", available);
            list.add(m);
            text.append(String.format("%-18s %-10s %s%s%n%-29s files: %s%n", f.id(),
                    boot.isEmpty() ? "-" : String.join("+", boot), f.description(),
                    available ? "" : " [not in this build]", "", String.join(" ", f.fileNames("NAME"))));
        }
        Kiln.root(spec).results().other("formats", Map.of("formats", list), text.toString());
    }
}
