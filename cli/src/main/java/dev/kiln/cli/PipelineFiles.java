package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.KilnException;
import dev.kiln.limits.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The files pipelines and Terraform read, made from a publish (or merge) document's targets that have an image:
 * {@code *.auto.tfvars.json} with one variable per target and the map {@code kiln_images}, and a
 * {@code packer-manifest.json} to which each run appends its builds, as Packer does.
 */
final class PipelineFiles {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PipelineFiles() {
    }

    /** Writes what was asked for; a dry run made no image, so it writes nothing and says so. */
    static void write(Map<String, Object> doc, Path tfvars, Path packerManifest, boolean dryRun, Session session) {
        if (tfvars == null && packerManifest == null) {
            return;
        }
        if (dryRun) {
            session.err().println("kiln: a dry run publishes nothing, so " + (tfvars != null ? tfvars : packerManifest)
                    + " is left as it is");
            return;
        }
        JsonNode document = MAPPER.valueToTree(doc);
        if (tfvars != null) {
            write(tfvars, tfvars(document));
        }
        if (packerManifest != null) {
            write(packerManifest, packerManifest(document, read(packerManifest), Instant.now(), UUID.randomUUID()));
        }
    }

    /** The Terraform variable of one target: kiln_image_PROVIDER[_LOCATION], lower case, other characters as _. */
    static String variable(JsonNode target) {
        String where = target.path("provider").asText() + (target.path("location").isTextual()
                ? "_" + target.path("location").asText() : "");
        return "kiln_image_" + where.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("_+$", "");
    }

    /** The id Terraform launches from: the image in the target's location, else the first image, else artifact_id. */
    static String imageId(JsonNode target) {
        String location = target.path("location").asText(null);
        for (JsonNode image : target.path("images")) {
            if (location == null || location.equals(image.path("location").asText())) {
                return image.path("image_id").asText();
            }
        }
        return target.path("images").path(0).path("image_id").asText(target.path("artifact_id").asText());
    }

    static ObjectNode tfvars(JsonNode doc) {
        ObjectNode vars = MAPPER.createObjectNode();
        ObjectNode map = MAPPER.createObjectNode();
        for (JsonNode t : published(doc)) {
            vars.put(variable(t), imageId(t));
            map.put(t.path("target").asText(), imageId(t));
        }
        vars.set("kiln_images", map);
        return vars;
    }

    /** {@code existing} with this run's builds appended and last_run_uuid set to this run, as Packer writes it. */
    static ObjectNode packerManifest(JsonNode doc, JsonNode existing, Instant now, UUID run) {
        ObjectNode manifest = existing != null && existing.isObject() ? (ObjectNode) existing.deepCopy()
                : MAPPER.createObjectNode();
        ArrayNode builds = manifest.path("builds").isArray() ? (ArrayNode) manifest.get("builds")
                : manifest.putArray("builds");
        for (JsonNode t : published(doc)) {
            ObjectNode build = builds.addObject();
            build.put("name", t.path("name").asText());
            build.put("builder_type", "kiln-" + t.path("provider").asText());
            build.put("build_time", now.getEpochSecond());
            build.putNull("files");
            build.put("artifact_id", t.path("artifact_id").asText());
            build.put("packer_run_uuid", run.toString());
            ObjectNode custom = build.putObject("custom_data");
            custom.put("target", t.path("target").asText());
            custom.put("location", t.path("location").asText(""));
            custom.put("image_id", imageId(t));
            custom.put("content_digest", t.path("content_digest").asText());
            custom.put("outcome", t.path("outcome").asText());
        }
        manifest.set("builds", builds);
        manifest.put("last_run_uuid", run.toString());
        return manifest;
    }

    /** The targets that have an image: created, existed or replaced. */
    private static Iterable<JsonNode> published(JsonNode doc) {
        return () -> java.util.stream.StreamSupport.stream(doc.path("targets").spliterator(), false)
                .filter(t -> t.path("outcome").asText().matches("created|existed|replaced")).iterator();
    }

    private static JsonNode read(Path file) {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw KilnException.tried("append to the Packer manifest " + file, "it is not JSON (" + KilnException.reason(e) + ")",
                    "move it away or name another file with --packer-manifest");
        }
    }

    private static void write(Path file, JsonNode content) {
        try {
            AtomicFiles.writeString(file, MAPPER.writeValueAsString(content) + System.lineSeparator());
        } catch (IOException e) {
            throw KilnException.tried("write " + file, KilnException.reason(e),
                    "check the directory exists and is writable");
        }
    }
}
