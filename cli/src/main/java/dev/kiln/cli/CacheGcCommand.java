package dev.kiln.cli;

import dev.kiln.oci.CacheMaintenance;
import picocli.CommandLine.Command;

import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "gc", mixinStandardHelpOptions = true, header = "Delete blobs that no cached image needs.")
final class CacheGcCommand extends CacheBaseCommand {

    @Override
    public Integer call() throws Exception {
        CacheMaintenance.Collected freed = new CacheMaintenance(layout()).gc();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("blobs_deleted", freed.blobs());
        body.put("bytes_freed", freed.bytes());
        return result("cache gc", body, "deleted " + freed.blobs() + " blob(s), freed "
                + Renderer.size(freed.bytes()) + System.lineSeparator());
    }
}
