package dev.kiln.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kiln.build.Artifact;
import dev.kiln.api.BootMode;
import dev.kiln.build.BuildResult;
import dev.kiln.api.KilnException;
import dev.kiln.spi.Made;
import dev.kiln.spi.PushResult;
import dev.kiln.spi.Resource;
import dev.kiln.spi.RunResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

    /** {@code kiln ls}: one table (kind, name, id, location, short digest, age, state), or one document. */
    void ls(String provider, List<Made.Kind> kinds, List<Made> items, Instant now) {
        Map<String, Object> doc = header("ls");
        doc.put("provider", provider);
        doc.put("kinds", kinds.stream().map(Made.Kind::plural).toList());
        doc.put("items", items.stream().map(Results::made).toList());
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("KIND", "NAME", "ID", "LOCATION", "DIGEST", "AGE", "STATE"));
        for (Made m : items) {
            rows.add(List.of(m.kind().word(), dash(m.name()), m.id(), dash(m.location()), dash(shortDigest(m.digest())),
                    m.created().map(c -> age(Duration.between(c, now))).orElse("-"), dash(m.state())));
        }
        String text = items.isEmpty() ? "kiln made no " + String.join(" or ", kinds.stream().map(Made.Kind::plural)
                .toList()) + " here that " + provider + " can find" + System.lineSeparator() : table(rows);
        emit(doc, text);
    }

    /**
     * {@code kiln rm}: each item with what went with it ({@code removed}, {@code gone} when it was already gone,
     * {@code planned} in a dry run, {@code left} with the reason), and all that was removed and all that is left.
     */
    void rm(String provider, boolean dryRun, boolean interrupted, List<Removal.Item> items) {
        Map<String, Object> doc = header("rm");
        doc.put("provider", provider);
        doc.put("dry_run", dryRun);
        long left = items.stream().filter(i -> i.error() != null).count();
        doc.put("outcome", dryRun ? "dry_run" : interrupted ? "interrupted" : left == 0 ? "removed"
                : left == items.size() ? "failed" : "partial");
        List<Map<String, Object>> entries = new ArrayList<>();
        List<Resource> removed = new ArrayList<>();
        List<Resource> kept = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        String nl = System.lineSeparator();
        for (Removal.Item i : items) {
            Map<String, Object> e = made(i.made());
            String outcome = dryRun ? "planned" : i.error() != null ? "left" : i.removed().isEmpty() ? "gone" : "removed";
            e.put("outcome", outcome);
            e.put("removed", resources(i.removed()));
            if (i.error() != null) {
                e.put("error", i.error());
                kept.add(i.made().resource());
                kept.addAll(i.made().parts());
            }
            removed.addAll(i.removed());
            entries.add(e);
            switch (outcome) {
                case "planned" -> {
                    text.append("would remove ").append(i.made()).append(nl);
                    i.made().parts().forEach(r -> text.append("  and ").append(describe(r)).append(nl));
                }
                case "removed" -> text.append("removed ").append(i.made()).append(": ").append(String.join(", ",
                        i.removed().stream().map(Results::describe).toList())).append(nl);
                case "gone" -> text.append(i.made()).append(" was already gone").append(nl);
                default -> text.append("left ").append(i.made()).append(nl);
            }
        }
        doc.put("items", entries);
        doc.put("removed", resources(removed));
        doc.put("left", resources(kept));
        emit(doc, text.toString());
    }

    private static Map<String, Object> made(Made m) {
        Map<String, Object> e = ordered("kind", m.kind().word(), "id", m.id(), "name", m.name(), "location",
                m.location(), "digest", m.digest(), "created", m.created().map(Instant::toString).orElse(null),
                "state", m.state(), "by_kiln", m.byKiln());
        e.put("parts", resources(m.parts()));
        e.put("tags", new TreeMap<>(m.tags()));
        return e;
    }

    private static String describe(Resource r) {
        return r.type() + " " + r.id() + (r.location().isEmpty() ? "" : " in " + r.location());
    }

    private static String dash(String value) {
        return value.isEmpty() ? "-" : value;
    }

    /** {@code sha256:0123456789ab...} as its first 12 hex digits. */
    private static String shortDigest(String digest) {
        String hex = digest.substring(digest.indexOf(':') + 1);
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }

    /** How long ago, in its largest unit: 40s, 12m, 5h, 3d. */
    static String age(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s < 60 ? s + "s" : s < 3600 ? s / 60 + "m" : s < 86400 ? s / 3600 + "h" : s / 86400 + "d";
    }

    private static String table(List<List<String>> rows) {
        int[] widths = new int[rows.get(0).size()];
        rows.forEach(r -> {
            for (int c = 0; c < r.size(); c++) {
                widths[c] = Math.max(widths[c], r.get(c).length());
            }
        });
        StringBuilder out = new StringBuilder();
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < r.size(); c++) {
                line.append(c == r.size() - 1 ? r.get(c) : String.format("%-" + widths[c] + "s  ", r.get(c)));
            }
            out.append(OperatorErrors.printable(line.toString().stripTrailing())).append(System.lineSeparator());
        }
        return out.toString();
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
