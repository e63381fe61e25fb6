package dev.kiln.cli;

import dev.kiln.oci.CacheMaintenance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "rm", mixinStandardHelpOptions = true, header = "Remove images from the cache and free the blobs no other image needs.")
final class CacheRmCommand extends CacheBaseCommand {

    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Cached image references.")
    List<String> images;

    @Override
    public Integer call() throws Exception {
        CacheMaintenance maintenance = new CacheMaintenance(layout());
        List<String> removed = maintenance.remove(images);
        CacheMaintenance.Collected freed = maintenance.gc();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("removed", removed);
        body.put("blobs_deleted", freed.blobs());
        body.put("bytes_freed", freed.bytes());
        return result("cache rm", body, "removed " + String.join(", ", removed) + "; freed "
                + Renderer.size(freed.bytes()) + System.lineSeparator());
    }
}
