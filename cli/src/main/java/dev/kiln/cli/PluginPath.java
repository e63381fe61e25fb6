package dev.kiln.cli;

import dev.kiln.spi.Providers;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where providers are installed: {@code lib/providers/} of the distribution ({@code -Dkiln.home} from the
 * launcher), then each directory of {@code KILN_PLUGIN_PATH} (':'-separated), each holding one folder of jars
 * per provider.
 */
final class PluginPath {

    private PluginPath() {
    }

    static List<Path> roots(Map<String, String> env, String home) {
        List<Path> roots = new ArrayList<>();
        if (home != null && !home.isBlank()) {
            roots.add(Path.of(home, "lib", "providers"));
        }
        String extra = env.get("KILN_PLUGIN_PATH");
        if (extra != null) {
            for (String dir : extra.split(File.pathSeparator)) {
                if (!dir.isBlank()) {
                    roots.add(Path.of(dir));
                }
            }
        }
        return roots;
    }

    static void apply(Map<String, String> env, String home) {
        List<Path> roots = roots(env, home);
        roots.addAll(Providers.pluginRoots());
        Providers.usePluginRoots(roots);
    }
}
