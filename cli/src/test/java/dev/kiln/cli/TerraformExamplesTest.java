package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.spi.OptionSpec;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.Providers;
import org.junit.jupiter.api.Test;
import org.openrewrite.InMemoryExecutionContext;
import org.openrewrite.Parser;
import org.openrewrite.SourceFile;
import org.openrewrite.hcl.HclIsoVisitor;
import org.openrewrite.hcl.HclParser;
import org.openrewrite.hcl.tree.BodyContent;
import org.openrewrite.hcl.tree.Expression;
import org.openrewrite.hcl.tree.Hcl;
import org.openrewrite.hcl.tree.Label;
import org.openrewrite.tree.ParseError;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * terraform-examples/ with no terraform binary (none is packaged here): every .tf parses with an HCL2 grammar, every
 * var.x is declared in its folder, every field read from a decoded kiln result (and every kiln_image_* tfvars
 * variable) exists in the result schema, and every provider is pinned in required_providers. Each check is also
 * shown to fail on a broken snippet.
 */
class TerraformExamplesTest {

    private static final Path EXAMPLES = Path.of("../terraform-examples");
    private static final List<String> FOLDERS = List.of("aws", "azure", "gcp", "openstack", "packet", "vsphere");
    private static final Pattern TFVARS_VARIABLE = Pattern.compile("kiln_image_([a-z0-9]+)(?:_([a-z0-9_]+))?");

    @Test
    void everyProviderHasAFolderWithAnExampleAndItsCommands() throws IOException {
        try (Stream<Path> dirs = Files.list(EXAMPLES)) {
            assertThat(dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()))
                    .containsExactlyInAnyOrderElementsOf(FOLDERS);
        }
        for (String folder : FOLDERS) {
            assertThat(EXAMPLES.resolve(folder).resolve("main.tf")).isRegularFile();
            assertThat(Files.readString(EXAMPLES.resolve(folder).resolve("README.md")))
                    .as(folder + "/README.md").contains("kiln build", "terraform init", "terraform apply")
                    .containsAnyOf("kiln push", "kiln publish");
        }
    }

    @Test
    void everyFileParses() throws IOException {
        for (String folder : FOLDERS) {
            for (Map.Entry<Path, String> tf : sources(EXAMPLES.resolve(folder)).entrySet()) {
                assertThat(parseErrors(tf.getKey(), tf.getValue())).as(tf.getKey().toString()).isEmpty();
            }
        }
    }

    @Test
    void theParserReportsBrokenFiles() {
        assertThat(parseErrors(Path.of("missing-value.tf"), "variable \"x\" {\n  default =\n}\n")).isNotEmpty();
        assertThat(parseErrors(Path.of("missing-brace.tf"), "resource \"a\" \"b\" {\n  x = 1\n")).isNotEmpty();
        assertThat(parseErrors(Path.of("two-values.tf"), "locals {\n  x = 1 2\n}\n")).isNotEmpty();
    }

    @Test
    void everyVariableAnExampleReadsIsDeclaredInItsFolder() throws IOException {
        for (String folder : FOLDERS) {
            Example example = Example.of(EXAMPLES.resolve(folder));
            assertThat(example.undeclaredVariables()).as(folder).isEmpty();
        }
    }

    @Test
    void anUndeclaredVariableIsFound() {
        Example example = Example.of("variable \"region\" {}\nprovider \"aws\" {\n  region = var.regoin\n}\n");

        assertThat(example.undeclaredVariables()).containsExactly("regoin");
    }

    @Test
    void everyKilnFieldAnExampleReadsIsInTheResultSchema() throws IOException {
        for (String folder : FOLDERS) {
            Example example = Example.of(EXAMPLES.resolve(folder));
            assertThat(example.kilnPaths()).as(folder + ": fields read from the decoded result").isNotEmpty()
                    .allSatisfy(p -> assertThat(p).startsWith("local.kiln."))
                    // a push document and a publish (or merge) document both give an image id
                    .contains("local.kiln.images[].image_id", "local.kiln.targets[].images[].image_id",
                            "local.kiln.targets[].outcome");
            assertThat(example.kilnPaths().stream().filter(p -> !Fields.inSchema(p)).toList())
                    .as(folder + ": fields the result schema does not have").isEmpty();
        }
    }

    @Test
    void aFieldTheSchemaLacksIsFound() {
        Example example = Example.of("""
                locals {
                  kiln = jsondecode(file("r.json"))
                  ok   = local.kiln.images[0].image_id
                  ids  = [for t in local.kiln.targets : t.images[0].ami_id if t.outcome != "failed"]
                  bad  = local.kiln.image_id
                }
                """);

        assertThat(example.kilnPaths()).contains("local.kiln.images[].image_id", "local.kiln.targets[].outcome");
        assertThat(example.kilnPaths().stream().filter(p -> !Fields.inSchema(p)))
                .containsExactlyInAnyOrder("local.kiln.targets[].images[].ami_id", "local.kiln.image_id");
    }

    @Test
    void everyTfvarsVariableNamesAProviderAndTheMapIsDeclared() throws IOException {
        Set<String> providers = providerNames();
        List<String> perTarget = new ArrayList<>();
        for (String folder : FOLDERS) {
            Example example = Example.of(EXAMPLES.resolve(folder));
            assertThat(example.variables).as(folder).containsKeys("kiln_images", "kiln_result");
            assertThat(example.variables.get("kiln_images")).as(folder + ": kiln_images").contains("map(string)");
            for (String name : example.variables.keySet()) {
                if (name.startsWith("kiln_image_")) {
                    assertThat(tfvarsProblem(name, providers)).as(folder + ": " + name).isNull();
                    perTarget.add(name);
                }
            }
        }
        assertThat(perTarget).as("examples of the per-target variables").contains("kiln_image_aws_eu_west_1",
                "kiln_image_vcenter");
        assertThat(tfvarsProblem("kiln_image_amazon_eu_west_1", providers)).contains("amazon");
        assertThat(tfvarsProblem("kiln_image_aws_EU_west_1", providers)).contains("lower case");
        assertThat(tfvarsProblem("kiln_image_vcenter", providers)).isNull();
    }

    @Test
    void everyProviderIsPinnedInRequiredProviders() throws IOException {
        for (String folder : FOLDERS) {
            Example example = Example.of(EXAMPLES.resolve(folder));
            assertThat(example.unpinnedProviders()).as(folder).isEmpty();
        }
    }

    @Test
    void anUnpinnedOrUndeclaredProviderIsFound() {
        Example example = Example.of("""
                terraform {
                  required_providers {
                    aws    = { source = "hashicorp/aws" }
                    google = { source = "hashicorp/google", version = "~> 6.0" }
                  }
                }
                resource "aws_instance" "a" {}
                resource "random_id" "b" {}
                """);

        assertThat(example.unpinnedProviders()).containsExactlyInAnyOrder("aws", "random");
    }

    @Test
    void theLookupsUseTheNamesKilnsProvidersReallySet() throws IOException {
        Map<String, String[]> used = new LinkedHashMap<>();
        used.put("aws", new String[] {"\"tag:kiln:name\"", "aws/src/main/java/dev/kiln/aws/Tags.java", "\"kiln:name\""});
        used.put("openstack", new String[] {"kiln_digest =", "openstack/src/main/java/dev/kiln/openstack/PushImage.java",
                "\"kiln_digest\""});
        used.put("packet", new String[] {"-equinixmetal.ipxe", "packet/src/main/java/dev/kiln/packet/PacketPush.java",
                "\"-equinixmetal.ipxe\""});
        used.put("vsphere", new String[] {"type       = \"ovf\"", "vcenter/src/main/java/dev/kiln/vcenter/ContentLibrary.java",
                "\"kiln-digest: \""});
        used.put("azure", new String[] {"azurerm_shared_image_version", "azure/src/main/java/dev/kiln/azure/GalleryVersions.java",
                "GalleryImageVersion"});
        used.put("gcp", new String[] {"family", "gcp/src/main/java/dev/kiln/gcp/ImagePlan.java", "find(\"family\")"});
        for (Map.Entry<String, String[]> e : used.entrySet()) {
            assertThat(Files.readString(EXAMPLES.resolve(e.getKey()).resolve("main.tf"))).as(e.getKey())
                    .contains(e.getValue()[0]);
            assertThat(Files.readString(Path.of("../providers").resolve(e.getValue()[1]))).as(e.getValue()[1])
                    .contains(e.getValue()[2]);
        }
        String metal = Files.readString(EXAMPLES.resolve("packet/main.tf"));
        assertThat(metal).contains("ipxe_script_url", "always_pxe = true", "\"custom_ipxe\"");
    }

    @Test
    void theKilnCommandsAndTargetsFilesOfTheReadmesAreOnesTheCliTakes() throws IOException {
        List<ProviderFactory> installed = Providers.installed();
        assumeTrue(FOLDERS.stream().map(f -> f.equals("vsphere") ? "vcenter" : f)
                        .allMatch(p -> installed.stream().anyMatch(f -> f.name().equals(p))),
                "every provider is staged in target/providers");
        int commands = 0;
        for (String folder : FOLDERS) {
            String readme = Files.readString(EXAMPLES.resolve(folder).resolve("README.md"));
            for (String line : ShellLines.kilnCommands(readme)) {
                List<String> args = ShellLines.words(line);
                Session quiet = Session.of(new ByteArrayOutputStream(), new ByteArrayOutputStream(), Map.of(),
                        Interrupts.none());
                assertThatCode(() -> Kiln.commandLine(quiet, installed).parseArgs(args.subList(1, args.size())
                        .toArray(String[]::new))).as(folder + ": " + line).doesNotThrowAnyException();
                commands++;
            }
            Matcher yaml = Pattern.compile("cat > targets.yaml <<'YAML'\\n(.*?)\\nYAML\\n", Pattern.DOTALL).matcher(readme);
            assertThat(yaml.find()).as(folder + ": a targets file").isTrue();
            Path targets = Files.createTempFile("targets", ".yaml");
            try {
                Files.writeString(targets, yaml.group(1));
                for (PublishTargets.Target t : PublishTargets.read(targets)) {
                    ProviderFactory factory = installed.stream().filter(f -> f.name().equals(t.provider())).findFirst()
                            .orElseThrow(() -> new AssertionError(folder + ": no provider " + t.provider()));
                    assertThat(factory.pushOptions().stream().map(OptionSpec::name).toList()).as(folder)
                            .containsAll(t.options().keySet());
                    if (!t.locations().isEmpty()) {
                        assertThat(factory.locationOption()).as(folder + ": " + t.provider() + " takes a location")
                                .isPresent();
                    }
                }
            } finally {
                Files.delete(targets);
            }
        }
        assertThat(commands).isGreaterThanOrEqualTo(3 * FOLDERS.size());
    }

    /** Why {@code name} is not a variable kiln publish --tfvars writes, or null. */
    private static String tfvarsProblem(String name, Set<String> providers) {
        Matcher m = TFVARS_VARIABLE.matcher(name);
        if (!m.matches()) {
            return name + " is not kiln_image_<provider>[_<location>] in lower case";
        }
        if (!providers.contains(m.group(1))) {
            return m.group(1) + " is no kiln provider: " + providers;
        }
        // the name is made of a target's provider and location, as publish names it
        ObjectNode target = JsonNodeFactory.instance.objectNode().put("provider", m.group(1));
        if (m.group(2) != null) {
            target.put("location", m.group(2));
        }
        if (!PipelineFiles.variable(target).equals(name)) {
            return name + " is not the name publish gives a target: " + PipelineFiles.variable(target);
        }
        return Fields.inSchema("local.kiln.targets[].provider") && Fields.inSchema("local.kiln.targets[].location")
                ? null : "the result schema has no targets[].provider and .location";
    }

    private static Set<String> providerNames() throws IOException {
        try (Stream<Path> dirs = Files.list(Path.of("../providers"))) {
            Set<String> names = new TreeSet<>();
            dirs.filter(d -> Files.isDirectory(d.resolve("src/main/java"))).map(d -> d.getFileName().toString())
                    .filter(n -> !Set.of("api", "spi", "testkit").contains(n)).forEach(names::add);
            return names;
        }
    }

    private static Map<Path, String> sources(Path folder) throws IOException {
        Map<Path, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".tf")).toList()) {
                out.put(f, Files.readString(f));
            }
        }
        return out;
    }

    /** The syntax errors of one file: the parser reports them through the context or as a ParseError, never thrown. */
    static List<String> parseErrors(Path path, String text) {
        List<String> errors = new ArrayList<>();
        parse(path, text, errors);
        return errors;
    }

    private static Hcl.ConfigFile parse(Path path, String text, List<String> errors) {
        InMemoryExecutionContext ctx = new InMemoryExecutionContext(t -> errors.add(path + ": " + t.getMessage()));
        List<SourceFile> parsed = HclParser.builder().build()
                .parseInputs(List.of(Parser.Input.fromString(path, text)), null, ctx).toList();
        if (parsed.size() != 1) {
            errors.add(path + ": " + parsed.size() + " trees");
            return null;
        }
        if (parsed.get(0) instanceof ParseError e) {
            errors.add(path + ": " + e.getErroneous());
            return null;
        }
        return (Hcl.ConfigFile) parsed.get(0);
    }

    /** One example folder (or one snippet), parsed: what it declares and what it reads. */
    static final class Example {

        final Map<String, String> variables = new TreeMap<>();
        final Set<String> readVariables = new TreeSet<>();
        final Map<String, String> requiredProviders = new TreeMap<>();
        final Set<String> usedProviders = new TreeSet<>();
        final Set<String> kilnRoots = new TreeSet<>();
        private final List<Hcl.ConfigFile> files = new ArrayList<>();
        private Hcl.ConfigFile current;

        static Example of(Path folder) throws IOException {
            Example e = new Example();
            for (Map.Entry<Path, String> tf : sources(folder).entrySet()) {
                e.add(tf.getKey(), tf.getValue());
            }
            return e;
        }

        static Example of(String snippet) {
            Example e = new Example();
            e.add(Path.of("snippet.tf"), snippet);
            return e;
        }

        private void add(Path path, String text) {
            List<String> errors = new ArrayList<>();
            Hcl.ConfigFile file = parse(path, text, errors);
            assertThat(errors).as(path.toString()).isEmpty();
            files.add(file);
            current = file;
            for (BodyContent content : file.getBody()) {
                if (content instanceof Hcl.Block block) {
                    declarations(block);
                }
            }
            new HclIsoVisitor<Integer>() {
                @Override
                public Hcl.AttributeAccess visitAttributeAccess(Hcl.AttributeAccess access, Integer p) {
                    String path = Fields.path(access, Map.of());
                    if (path != null && path.startsWith("var.") && path.indexOf('.', 4) < 0) {
                        readVariables.add(path.substring(4));
                    }
                    return super.visitAttributeAccess(access, p);
                }
            }.visit(file, 0);
        }

        private void declarations(Hcl.Block block) {
            String type = block.getType() == null ? "" : block.getType().getName();
            List<String> labels = block.getLabels().stream().map(Example::label).toList();
            switch (type) {
                case "variable" -> variables.put(labels.get(0), text(block));
                case "provider" -> usedProviders.add(labels.get(0));
                case "resource", "data" -> usedProviders.add(labels.get(0).split("_", 2)[0]);
                case "locals" -> {
                    for (BodyContent c : block.getBody()) {
                        if (c instanceof Hcl.Attribute a && Fields.calls(a.getValue(), "jsondecode")) {
                            kilnRoots.add("local." + name(a));
                        }
                    }
                }
                case "terraform" -> {
                    for (BodyContent c : block.getBody()) {
                        if (c instanceof Hcl.Block b && b.getType().getName().equals("required_providers")) {
                            for (BodyContent entry : b.getBody()) {
                                if (entry instanceof Hcl.Attribute a) {
                                    requiredProviders.put(name(a), text(a.getValue()));
                                }
                            }
                        }
                    }
                }
                default -> { }
            }
        }

        Set<String> undeclaredVariables() {
            Set<String> missing = new TreeSet<>(readVariables);
            missing.removeAll(variables.keySet());
            return missing;
        }

        /** Providers the example uses without a required_providers entry that has a source and a version. */
        Set<String> unpinnedProviders() {
            Set<String> bad = new TreeSet<>();
            for (String p : usedProviders) {
                String spec = requiredProviders.get(p);
                if (spec == null || !spec.matches("(?s).*\\bsource\\s*=\\s*\"[^\"]+\".*")
                        || !spec.matches("(?s).*\\bversion\\s*=\\s*\"[^\"]*[0-9][^\"]*\".*")) {
                    bad.add(p);
                }
            }
            return bad;
        }

        /** Every attribute path read from a decoded kiln result, for-expression elements written as []. */
        Set<String> kilnPaths() {
            Set<String> paths = new TreeSet<>();
            Map<String, String> bound = new HashMap<>();
            for (Hcl.ConfigFile file : files) {
                new HclIsoVisitor<Integer>() {
                    @Override
                    public Hcl.ForTuple visitForTuple(Hcl.ForTuple f, Integer p) {
                        return bind(f.getIntro(), () -> super.visitForTuple(f, p));
                    }

                    @Override
                    public Hcl.ForObject visitForObject(Hcl.ForObject f, Integer p) {
                        return bind(f.getIntro(), () -> super.visitForObject(f, p));
                    }

                    private <T> T bind(Hcl.ForIntro intro, java.util.function.Supplier<T> body) {
                        String in = Fields.path(intro.getIn(), bound);
                        List<Hcl.Identifier> vars = intro.getVariables();
                        String element = vars.get(vars.size() - 1).getName();
                        String before = bound.get(element);
                        boolean kiln = in != null && isKiln(in);
                        if (kiln) {
                            bound.put(element, in + "[]");
                        }
                        T result = body.get();
                        if (kiln) {
                            if (before == null) {
                                bound.remove(element);
                            } else {
                                bound.put(element, before);
                            }
                        }
                        return result;
                    }

                    @Override
                    public Hcl.AttributeAccess visitAttributeAccess(Hcl.AttributeAccess access, Integer p) {
                        add(Fields.path(access, bound));
                        return super.visitAttributeAccess(access, p);
                    }

                    @Override
                    public Hcl.Index visitIndex(Hcl.Index index, Integer p) {
                        add(Fields.path(index, bound));
                        return super.visitIndex(index, p);
                    }

                    private void add(String path) {
                        if (path != null && isKiln(path) && kilnRoots.stream().noneMatch(path::equals)) {
                            paths.add(path);
                        }
                    }
                }.visit(file, 0);
            }
            return paths;
        }

        private boolean isKiln(String path) {
            return kilnRoots.stream().anyMatch(r -> path.equals(r) || path.startsWith(r + ".") || path.startsWith(r + "["));
        }

        private static String label(Label l) {
            if (l instanceof Hcl.Literal lit) {
                return String.valueOf(lit.getValue());
            }
            if (l instanceof Hcl.Identifier id) {
                return id.getName();
            }
            return l.toString();
        }

        private static String name(Hcl.Attribute a) {
            return a.getName() instanceof Hcl.Identifier id ? id.getName() : a.getSimpleName();
        }

        /** The source of {@code tree}, printed within the file being read (the printer needs the enclosing file). */
        private String text(org.openrewrite.Tree tree) {
            return tree.printTrimmed(new org.openrewrite.Cursor(new org.openrewrite.Cursor(null, org.openrewrite.Cursor.ROOT_VALUE), current));
        }
    }

    /** Attribute paths of HCL expressions, and whether the result schema has them. */
    static final class Fields {

        private static final JsonNode SCHEMA = ResultSchema.schema();

        /** {@code local.kiln.targets[].images[].image_id}, with for-bound names replaced; null for other expressions. */
        static String path(Expression e, Map<String, String> bound) {
            if (e instanceof Hcl.VariableExpression v) {
                String name = v.getName().getName();
                return bound.getOrDefault(name, name);
            }
            if (e instanceof Hcl.AttributeAccess a) {
                String target = path(a.getAttribute(), bound);
                return target == null ? null : target + "." + a.getPadding().getName().getElement().getName();
            }
            if (e instanceof Hcl.Index i) {
                String target = path(i.getIndexed(), bound);
                return target == null ? null : target + "[]";
            }
            if (e instanceof Hcl.Splat s) {
                String target = path(s.getSelect(), bound);
                return target == null ? null : target + "[]";
            }
            if (e instanceof Hcl.Parentheses p) {
                return path(p.getExpression(), bound);
            }
            return null;
        }

        static boolean calls(Expression e, String function) {
            boolean[] found = {false};
            new HclIsoVisitor<Integer>() {
                @Override
                public Hcl.FunctionCall visitFunctionCall(Hcl.FunctionCall call, Integer p) {
                    found[0] |= call.getName().getName().equals(function);
                    return super.visitFunctionCall(call, p);
                }
            }.visit(e, 0);
            return found[0];
        }

        /** Whether a document kiln writes for push, publish or merge can have the field at {@code path}. */
        static boolean inSchema(String path) {
            String rest = path.replaceFirst("^local\\.[A-Za-z0-9_]+", "");
            List<JsonNode> at = new ArrayList<>();
            ObjectNode header = JsonNodeFactory.instance.objectNode();
            header.set("properties", SCHEMA.get("properties"));
            at.add(header);
            for (String def : List.of("push", "publish", "merge")) {
                at.add(SCHEMA.at("/$defs/" + def));
            }
            Matcher m = Pattern.compile("\\.([A-Za-z0-9_]+)|\\[\\]").matcher(rest);
            int end = 0;
            while (m.find()) {
                if (m.start() != end) {
                    return false;
                }
                end = m.end();
                at = step(at, m.group(1));
                if (at.isEmpty()) {
                    return false;
                }
            }
            return end == rest.length();
        }

        private static List<JsonNode> step(List<JsonNode> schemas, String property) {
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode s : schemas) {
                for (JsonNode e : expand(s, new LinkedHashSet<>())) {
                    JsonNode child = property == null ? e.get("items") : e.path("properties").get(property);
                    if (child != null) {
                        next.add(child);
                    }
                }
            }
            return next;
        }

        /** The schema and every schema it applies through $ref, allOf/anyOf/oneOf and then/else. */
        private static Set<JsonNode> expand(JsonNode s, Set<JsonNode> seen) {
            if (!seen.add(s)) {
                return seen;
            }
            if (s.has("$ref")) {
                expand(SCHEMA.at(s.get("$ref").asText().substring(1)), seen);
            }
            for (String list : List.of("allOf", "anyOf", "oneOf")) {
                s.path(list).forEach(x -> expand(x, seen));
            }
            for (String branch : List.of("then", "else")) {
                if (s.has(branch)) {
                    expand(s.get(branch), seen);
                }
            }
            return seen;
        }
    }
}
