package dev.kiln.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.Artifact;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.KilnException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code kiln build} wrote, kept next to the outputs as {@code NAME.kiln.json}, so a push finds the parts of
 * a format of several files ({@code kiln push packet hello}: kernel, initrd and cmdline) or picks the output a
 * provider accepts from a build folder. File names are relative to the record's folder.
 */
public record BuildRecord(String name, String arch, String contentDigest, List<Artifact> outputs) {

    public static final String SCHEMA = "kiln.dev/build-record/v1";
    public static final String SUFFIX = ".kiln.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public BuildRecord {
        outputs = List.copyOf(outputs);
    }

    /** The record of a build's outputs, grouping the files of one format under their roles. */
    public static BuildRecord of(BuildResult result) {
        Map<Format, Map<String, Path>> byFormat = new LinkedHashMap<>();
        for (dev.kiln.build.Artifact a : result.artifacts()) {
            if (a.path().toString().equals("-")) {
                continue;
            }
            Map<String, Path> files = byFormat.computeIfAbsent(a.format(), f -> new LinkedHashMap<>());
            files.put(role(a.format(), a.path(), result.name(), files.size()), a.path());
        }
        List<Artifact> outputs = new ArrayList<>();
        byFormat.forEach((format, files) -> outputs.add(new Artifact(ImageFormat.of(format.id()), files)));
        return new BuildRecord(result.name(), result.arch(), result.contentDigest(), outputs);
    }

    private static String role(Format format, Path file, String name, int index) {
        if (format == Format.KERNEL_INITRD) {
            String f = file.getFileName().toString();
            if (f.equals(name + "-kernel")) {
                return Artifact.KERNEL;
            }
            if (f.startsWith(name + "-initrd")) {
                return Artifact.INITRD;
            }
            if (f.equals(name + "-cmdline")) {
                return Artifact.CMDLINE;
            }
        }
        return index == 0 ? Artifact.DISK : "file-" + (index + 1);
    }

    /** Writes {@code DIR/NAME.kiln.json} (atomically) and returns its path. */
    public Path write(Path dir) {
        Path out = dir.resolve(name + SUFFIX);
        ObjectNode doc = JSON.createObjectNode().put("schema", SCHEMA).put("name", name).put("arch", arch)
                .put("content_digest", contentDigest);
        ArrayNode list = doc.putArray("outputs");
        for (Artifact a : outputs) {
            ObjectNode o = list.addObject().put("format", a.format().id());
            ObjectNode files = o.putObject("files");
            a.files().forEach((role, p) -> files.put(role, relative(dir, p)));
        }
        try {
            Path tmp = Files.createTempFile(dir.toAbsolutePath(), "." + name, ".kiln.json.partial");
            JSON.writeValue(tmp.toFile(), doc);
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw KilnException.tried("record the build's outputs in " + out, KilnException.reason(e),
                    "check the output folder is writable");
        }
        return out;
    }

    private static String relative(Path dir, Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Path base = dir.toAbsolutePath().normalize();
        return abs.startsWith(base) ? base.relativize(abs).toString() : abs.toString();
    }

    /** Reads a record; its files resolve against the record's folder. */
    public static BuildRecord read(Path file) {
        try {
            JsonNode doc = JSON.readTree(file.toFile());
            if (!SCHEMA.equals(doc.path("schema").asText())) {
                throw KilnException.usage(file + " is not a kiln build record (" + SCHEMA + ")");
            }
            Path dir = file.toAbsolutePath().getParent();
            List<Artifact> outputs = new ArrayList<>();
            for (JsonNode o : doc.path("outputs")) {
                Map<String, Path> files = new LinkedHashMap<>();
                o.path("files").fields().forEachRemaining(e -> files.put(e.getKey(), dir.resolve(e.getValue().asText())));
                outputs.add(new Artifact(ImageFormat.of(o.path("format").asText()), files));
            }
            return new BuildRecord(doc.path("name").asText(), doc.path("arch").asText(),
                    doc.path("content_digest").asText(), outputs);
        } catch (IOException e) {
            throw KilnException.usage("Cannot read the build record " + file + ": " + KilnException.reason(e));
        }
    }
}
