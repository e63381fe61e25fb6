package dev.kiln.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

import java.io.UncheckedIOException;

/**
 * Writes a configuration back out with LinuxKit's field names, omitting unset fields: YAML for
 * {@code --dry-run} and {@code metadata: yaml}, JSON for {@code metadata: json}.
 */
public final class ConfigPrinter {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ConfigPrinter() {
    }

    public static String yaml(KilnConfig config) {
        DumpSettings settings = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).setIndent(2)
                .setIndicatorIndent(2).setIndentWithIndicator(true).setWidth(4096).build();
        return new Dump(settings).dumpToString(ConfigMaps.of(config));
    }

    public static String json(KilnConfig config) {
        try {
            return JSON.writeValueAsString(ConfigMaps.of(config));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
