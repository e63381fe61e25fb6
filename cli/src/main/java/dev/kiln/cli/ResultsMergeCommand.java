package dev.kiln.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.KilnException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "merge", mixinStandardHelpOptions = true,
        header = "Merge the results of separate push and publish jobs into one document.",
        description = {"Reads push, publish and merge results (each job's --result-file or",
                "--output json), checks each against the result schema, and prints one",
                "document (command merge) with one entry per target, as publish does. A",
                "target in several files keeps its last entry; a push that failed is kept",
                "as a failed target. It fails only when a file cannot be read or is not a",
                "valid result; the targets' outcomes are in the document.",
                "",
                "  kiln results merge results/*.json --tfvars kiln.auto.tfvars.json > all.json",
                ""},
        sortOptions = false)
final class ResultsMergeCommand implements Callable<Integer> {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Result documents, merged in order.")
    List<Path> files;

    @Option(names = "--tfvars", paramLabel = "FILE", description = "Also write the targets' images as Terraform variables "
            + "(as publish --tfvars does).")
    Path tfvars;

    @Option(names = "--packer-manifest", paramLabel = "FILE",
            description = "Also append the targets' images to FILE in packer-manifest.json's shape.")
    Path packerManifest;

    @Override
    public Integer call() {
        KilnCommand root = Kiln.root(spec);
        Map<String, Map<String, Object>> targets = new LinkedHashMap<>();
        for (Path file : files) {
            for (Map<String, Object> target : targets(file, read(file))) {
                String key = String.valueOf(target.get("target"));
                if (targets.remove(key) != null) {
                    root.session().err().println("kiln: " + key + " is in several files; keeping the one in " + file);
                }
                targets.put(key, target);
            }
        }
        Map<String, Object> doc = Results.publishDocument("merge", new ArrayList<>(targets.values()));
        doc.put("merged_from", files.stream().map(Path::toString).toList());
        PipelineFiles.write(doc, tfvars, packerManifest, false, root.session());
        root.results().document(doc, PublishSummary.table(doc));
        return Kiln.OK;
    }

    private static JsonNode read(Path file) {
        JsonNode doc;
        try {
            doc = MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw KilnException.usage("Cannot read the result " + file + ": " + e.getMessage());
        }
        if (doc == null || !Results.SCHEMA.equals(doc.path("schema").asText())) {
            throw KilnException.usage(file + " is not a kiln result document (its \"schema\" is not " + Results.SCHEMA
                    + "); pass the files push and publish wrote with --result-file or --output json");
        }
        List<String> errors = ResultSchema.validate(doc);
        if (!errors.isEmpty()) {
            throw KilnException.usage(file + " does not match the result schema (share/schema/kiln-result-v1.schema.json): "
                    + String.join("; ", errors.subList(0, Math.min(5, errors.size())))
                    + (errors.size() > 5 ? "; and " + (errors.size() - 5) + " more" : ""));
        }
        return doc;
    }

    /** The target entries a document holds: a publish or merge document's own, or one made from a push document. */
    private static List<Map<String, Object>> targets(Path file, JsonNode doc) {
        String command = doc.path("command").asText();
        if (command.equals("publish") || command.equals("merge")) {
            return MAPPER.convertValue(doc.path("targets"), new TypeReference<List<Map<String, Object>>>() { });
        }
        if (!command.equals("push")) {
            throw KilnException.usage(file + " is the result of '" + command + "'; merge takes the results of push, "
                    + "publish and merge");
        }
        Map<String, Object> push = MAPPER.convertValue(doc, new TypeReference<LinkedHashMap<String, Object>>() { });
        String provider = doc.path("provider").asText("unknown");
        String location = doc.path("images").path(0).path("location").asText(null);
        Map<String, Object> target = new LinkedHashMap<>();
        target.put("target", location != null ? provider + "/" + location
                : doc.path("outcome").asText().equals("failed") ? provider + " (" + file.getFileName() + ")" : provider);
        target.put("provider", provider);
        target.put("location", location);
        for (String key : List.of("schema", "command", "provider")) {
            push.remove(key);
        }
        target.putAll(push);
        return List.of(target);
    }
}
