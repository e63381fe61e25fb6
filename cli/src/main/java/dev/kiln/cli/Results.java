package dev.kiln.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kiln.build.Artifact;
import dev.kiln.api.BootMode;
import dev.kiln.build.BuildResult;
import dev.kiln.api.KilnException;
import dev.kiln.spi.PushResult;
import dev.kiln.spi.Resource;
import dev.kiln.spi.RunResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The result documents. Their shape is versioned by {@link #SCHEMA} and documented in README.md;
 * fields are only ever added within a version. With --output json the document is the only thing
 * on stdout; --result-file writes it as well.
 */
final class Results {

    static final String SCHEMA = "kiln.dev/result/v1";

    /** Made on first use: text output never loads Jackson, which keeps short commands fast. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    private final Session session;
    private final KilnCommand.OutputKind output;
    private final Path resultFile;

    Results(Session session, KilnCommand.OutputKind output, Path resultFile) {
        this.session = session;
        this.output = output;
        this.resultFile = resultFile;
    }

    void build(BuildResult result) {
        Map<String, Object> doc = header("build");
        doc.put("name", result.name());
        doc.put("arch", result.arch());
        doc.put("content_digest", result.contentDigest());
        doc.put("artifacts", result.artifacts().stream().map(Results::artifact).toList());
        if (!result.hostFiles().isEmpty()) {
            doc.put("host_files", result.hostFiles());
        }
        StringBuilder text = new StringBuilder();
        for (Artifact a : result.artifacts()) {
            text.append(String.format("%-18s %s  (%s, sha256:%s)%n", a.format().id(), a.path(),
                    Renderer.size(a.size()), a.sha256().substring(0, 12)));
        }
        emit(doc, text.toString());
    }

    void push(PushResult result) {
        Map<String, Object> doc = header("push");
        doc.put("provider", result.provider());
        doc.putAll(pushFields(result));
        String verb = switch (result.outcome()) {
            case CREATED -> "published";
            case EXISTED -> "already published (same content digest)";
            case REPLACED -> "published, replacing the previous image";
            case DRY_RUN -> "would be published on " + result.provider() + " (dry run)";
        };
        // a dry run has no image id yet: no dangling ": "
        emit(doc, result.name() + " " + verb + (result.artifactId().isEmpty() ? "" : ": " + result.artifactId())
                + System.lineSeparator());
    }

    /** What a push reports, in a push document and in each target of a publish document. */
    private static Map<String, Object> pushFields(PushResult result) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", result.name());
        doc.put("content_digest", result.contentDigest());
        doc.put("outcome", outcome(result.outcome()));
        doc.put("artifact_id", result.artifactId());
        doc.put("images", result.images().stream().map(p -> ordered("location", p.location(), "image_id", p.imageId())).toList());
        doc.put("tags", new TreeMap<>(result.tags()));
        doc.put("resources", resources(result.resources()));
        return doc;
    }

    static String outcome(PushResult.Outcome outcome) {
        return outcome.name().toLowerCase(Locale.ROOT);
    }

    /**
     * A publish document: one entry per target with its outcome, time and either what push reports or the error;
     * the name and content digest the targets share (null where they differ); the overall outcome and the counts.
     */
    static Map<String, Object> publishDocument(List<PublishJob.Outcome> outcomes) {
        List<Map<String, Object>> targets = new java.util.ArrayList<>();
        for (PublishJob.Outcome o : outcomes) {
            Map<String, Object> t = ordered("target", o.target(), "provider", o.provider(), "location", o.location());
            if (o.failed()) {
                t.put("outcome", "failed");
                t.put("seconds", o.seconds());
                t.put("error", error(o.error(), o.exitCode()));
            } else {
                Map<String, Object> fields = pushFields(o.result());
                t.put("outcome", fields.remove("outcome"));
                t.put("seconds", o.seconds());
                t.putAll(fields);
            }
            targets.add(t);
        }
        return publishDocument("publish", targets);
    }

    /** The publish (or merge) document around target entries already in their document shape. */
    static Map<String, Object> publishDocument(String command, List<Map<String, Object>> targets) {
        Map<String, Object> doc = header(command);
        doc.put("name", shared(targets, "name"));
        doc.put("content_digest", shared(targets, "content_digest"));
        Map<String, Object> summary = ordered("created", 0, "existed", 0, "replaced", 0, "dry_run", 0, "failed", 0);
        targets.forEach(t -> summary.merge(String.valueOf(t.get("outcome")), 1, (a, b) -> (Integer) a + (Integer) b));
        int failed = (Integer) summary.get("failed");
        doc.put("outcome", failed == 0 ? strongest(summary) : failed == targets.size() ? "failed" : "partial");
        doc.put("targets", targets);
        doc.put("summary", summary);
        return doc;
    }

    /** The value every successful target has for {@code key}, or null when they differ or none has one. */
    private static Object shared(List<Map<String, Object>> targets, String key) {
        List<Object> values = targets.stream().filter(t -> !"failed".equals(t.get("outcome"))).map(t -> t.get(key))
                .distinct().toList();
        return values.size() == 1 ? values.get(0) : null;
    }

    /** All succeeded: replaced if any was replaced, else created if any was, else existed (or all dry runs). */
    private static String strongest(Map<String, Object> summary) {
        for (String outcome : List.of("replaced", "created", "existed")) {
            if ((Integer) summary.get(outcome) > 0) {
                return outcome;
            }
        }
        return "dry_run";
    }

    private static Map<String, Object> error(String message, int exitCode) {
        return ordered("message", message, "exit_code", exitCode,
                "kind", exitCode == Kiln.USAGE ? "usage" : exitCode == Kiln.INTERRUPTED ? "interrupted" : "failure");
    }

    /** Prints a document made elsewhere (publish, merge): JSON, or {@code text} in text mode. */
    void document(Map<String, Object> doc, String text) {
        emit(doc, text);
    }

    /** {@code image} is what the user asked to start: the text line names it first, then the instance, if any. */
    void run(RunResult result, String image) {
        Map<String, Object> doc = header("run");
        doc.put("provider", result.provider());
        doc.put("instance_id", result.instanceId());
        doc.put("location", result.location());
        doc.put("state", result.state());
        doc.put("addresses", new TreeMap<>(result.addresses()));
        doc.put("exit_code", result.exitCode().orElse(null));
        doc.put("console_log", result.consoleLog().map(Path::toString).orElse(null));
        doc.put("created", resources(result.created()));
        doc.put("removed", result.removed());
        StringBuilder text = new StringBuilder(image).append(' ');
        if (result.state().equals("dry-run")) {
            text.append("would be started on ").append(result.provider()).append(" (dry run)");
        } else {
            text.append(result.state()).append(" on ").append(result.provider());
            if (!result.instanceId().isEmpty()) {
                text.append(" (instance ").append(result.instanceId()).append(')');
            }
        }
        result.addresses().forEach((k, v) -> text.append("  ").append(k).append('=').append(v));
        emit(doc, text.append(System.lineSeparator()).toString());
    }

    /** Any other document (listings); {@code text} is what text mode prints. */
    void other(String command, Map<String, Object> body, String text) {
        Map<String, Object> doc = header(command);
        doc.putAll(body);
        emit(doc, text);
    }

    /**
     * The document of a command that failed: with --output json it is the one document on stdout
     * (the message is on stderr as well), and --result-file gets it too, so a pipeline always has
     * one document to parse. Text output prints nothing more on stdout.
     */
    void failure(String command, String message, int exitCode) {
        failure(command, null, message, exitCode);
    }

    /** The failure document of {@code push PROVIDER} or {@code run PROVIDER} names the provider as well. */
    void failure(String command, String provider, String message, int exitCode) {
        Map<String, Object> doc = header(command);
        if (provider != null) {
            doc.put("provider", provider);
        }
        doc.put("outcome", "failed");
        doc.put("error", error(message, exitCode));
        if (resultFile != null) {
            try {
                Files.writeString(resultFile, json(doc) + System.lineSeparator());
            } catch (IOException e) {
                session.err().println("kiln: could not write the result to " + resultFile + ": " + e.getMessage());
            }
        }
        if (output == KilnCommand.OutputKind.json) {
            session.out().println(json(doc));
            session.out().flush();
        }
    }

    private static Map<String, Object> header(String command) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schema", SCHEMA);
        doc.put("command", command);
        return doc;
    }

    private static Map<String, Object> artifact(Artifact a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", a.path().toString());
        m.put("format", a.format().id());
        m.put("size", a.size());
        m.put("sha256", a.sha256());
        m.put("boot_modes", a.bootModes().stream().sorted().map(BootMode::id).toList());
        return m;
    }

    private static List<Map<String, Object>> resources(List<Resource> resources) {
        return resources.stream().map(r -> ordered("type", r.type(), "id", r.id(), "location", r.location())).toList();
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private void emit(Map<String, Object> doc, String text) {
        if (resultFile != null) {
            try {
                dev.kiln.limits.AtomicFiles.writeString(resultFile, json(doc) + System.lineSeparator());
            } catch (IOException e) {
                throw KilnException.tried("write the result to " + resultFile, e.getMessage(),
                        "check the directory exists and is writable", e);
            }
        }
        if (output == KilnCommand.OutputKind.json) {
            session.out().println(json(doc));
        } else {
            session.out().print(text);
        }
        session.out().flush();
    }

    private static String json(Map<String, Object> doc) {
        try {
            return Json.MAPPER.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("result documents are plain maps", e);
        }
    }
}
