package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every result document a test sees passes through here: parsed, and asserted valid against the result schema
 * ({@link ResultSchema}), with a command the schema describes unless it is a failure. {@link CliRun} checks the
 * stdout of every {@code --output json} run and every {@code --result-file} it is given, so a test that only
 * looks at the exit code still has its document checked.
 */
final class ResultDocuments {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ResultDocuments() {
    }

    /** The document in {@code json}, asserted valid. */
    static JsonNode parse(String json) {
        try {
            return valid(JSON.readTree(json));
        } catch (IOException e) {
            throw new AssertionError("not one JSON document: " + json, e);
        }
    }

    /** The document in {@code file}, asserted valid. */
    static JsonNode read(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode valid(JsonNode doc) {
        assertThat(ResultSchema.validate(doc)).as("schema errors in %s", doc).isEmpty();
        if (!doc.has("error")) {
            assertThat(commands()).as("commands the result schema describes").contains(doc.get("command").asText());
        }
        return doc;
    }

    /** Checks what a run of {@code args} printed with --output json and wrote to its --result-file. */
    static void checkRun(String[] args, String stdout) {
        List<String> list = Arrays.asList(args);
        int output = list.indexOf("--output");
        boolean json = list.contains("--output=json") || output >= 0 && output + 1 < args.length && args[output + 1].equals("json");
        if (json && !stdout.isBlank() && !list.contains("--help") && !list.contains("-h")) {
            parse(stdout);
        }
        int file = list.indexOf("--result-file");
        if (file >= 0 && file + 1 < args.length && Files.isRegularFile(Path.of(args[file + 1]))) {
            read(Path.of(args[file + 1]));
        }
    }

    /** The commands whose shape the schema describes, from its dispatch on {@code command}. */
    static Set<String> commands() {
        JsonNode branches = ResultSchema.schema().at("/else/allOf");
        return StreamSupport.stream(branches.spliterator(), false)
                .map(b -> b.at("/if/properties/command/const").asText())
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }
}
