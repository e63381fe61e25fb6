package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * The JSON Schema of {@value Results#SCHEMA} documents (Draft 2020-12, {@value #RESOURCE} on the class path,
 * share/schema/ in the distribution, cli/src/main/schema/ in the repository) and the check of a document
 * against it.
 */
final class ResultSchema {

    /** Where the schema is on the class path. */
    static final String RESOURCE = "/dev/kiln/cli/kiln-result-v1.schema.json";

    /** Loaded on first use: only commands that validate pay for it. */
    private static final class Holder {
        static final JsonNode NODE = read();
        static final Schema SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                        b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder()
                                .pathType(PathType.JSON_PATH).locale(Locale.ENGLISH).build()))
                .getSchema(NODE);
    }

    private ResultSchema() {
    }

    /**
     * What is wrong with {@code doc} as a {@value Results#SCHEMA} document: one message per error, each starting
     * with the JSON path of the field it is about ({@code $.targets[0].outcome: ...}); empty when it is valid.
     */
    static List<String> validate(JsonNode doc) {
        List<Error> errors = Holder.SCHEMA.validate(doc);
        return errors.stream().map(ResultSchema::describe).distinct().toList();
    }

    /** The schema itself, as JSON. */
    static JsonNode schema() {
        return Holder.NODE.deepCopy();
    }

    private static String describe(Error e) {
        String message = e.getMessage();
        String path = e.getInstanceLocation().toString();
        return message.startsWith(path) ? message : path + ": " + message;
    }

    private static JsonNode read() {
        try (InputStream in = ResultSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path; the build puts it there");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
