package dev.kiln.cli;

import dev.kiln.oci.CacheMaintenance;
import picocli.CommandLine.Command;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "ls", mixinStandardHelpOptions = true, header = "List the images in the cache.")
final class CacheLsCommand extends CacheBaseCommand {

    @Override
    public Integer call() throws Exception {
        List<CacheMaintenance.Entry> entries = new CacheMaintenance(layout()).list();
        StringBuilder text = new StringBuilder();
        for (CacheMaintenance.Entry e : entries) {
            text.append(String.format("%-60s %s  %9s  %s%n", e.reference(), e.digest().substring(7, 19),
                    Renderer.size(e.bytes()), String.join(",", e.platforms())));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("cache", cacheDir().toString());
        body.put("images", entries.stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("reference", e.reference());
            m.put("digest", e.digest());
            m.put("media_type", e.mediaType());
            m.put("size", e.bytes());
            m.put("platforms", e.platforms());
            return m;
        }).toList());
        return result("cache ls", body, text.toString());
    }
}
